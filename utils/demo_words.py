"""What the demo's records are made of, in Chinese: people's and companies' names, places, the
desk's staff, complaint descriptions with a resolution, root cause and corrective action per
category, revisit suggestions, and how often each category, channel and severity comes up.

Data only: `utils.demo_generate` draws from it.
"""

from __future__ import annotations

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红晓东海燕鹏辉玉兰丹萍斌浩宇欣怡子涵梓轩雨彤"
COMPANY_HEADS = ["华润", "恒通", "金鼎", "新宇", "东方", "瑞丰", "嘉和", "中泰", "锦程", "宏达"]
COMPANY_HEADS += ["天成", "博远"]
COMPANY_TAILS = ["贸易有限公司", "科技有限公司", "餐饮管理有限公司", "商贸行"]
COMPANY_TAILS += ["文化传媒有限公司", "设计工作室"]
REGIONS = ["城东区", "城西区", "高新区", "滨江区", "开发区", "老城区"]
STREETS = ["人民路", "解放路", "建设路", "中山路", "长江路", "和平街", "文化路", "新华路"]
STAFF = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]

DESCRIPTIONS = {
    "attitude": [
        "前台工作人员接待时态度冷淡，问题没有说完就被打断",
        "客服电话中语气生硬，没有耐心解释",
        "维修师傅上门时态度不好，还抱怨工作多",
    ],
    "service_quality": [
        "报修三天了还没有人上门处理",
        "保洁不到位，楼道垃圾两天没清理",
        "维修后问题复发，要求重新处理",
        "快递代收服务丢件，要求赔偿",
    ],
    "product": [
        "新交付房屋墙面出现裂缝",
        "热水器安装后频繁报故障",
        "门禁卡经常失灵，无法进入单元门",
    ],
    "process": [
        "办理车位登记手续繁琐，跑了三次还没办好",
        "装修申请审批时间太长",
        "投诉后没有任何人回电话跟进",
    ],
    "billing": [
        "物业费账单金额与合同不符，多收了费用",
        "停车费重复扣款",
        "水电公摊费用计算不透明，要求说明",
    ],
    "facilities": ["电梯经常停运，老人上下楼很不方便", "小区路灯坏了一周没修", "地下车库漏水严重"],
    "other": ["邻居装修噪音太大，影响休息", "小区内有人遛狗不牵绳", "宠物粪便无人清理"],
}
RESOLUTIONS = {
    "attitude": "已向客户当面致歉，并对相关员工进行批评教育",
    "service_quality": "已安排专人上门处理完毕，客户现场确认",
    "product": "已联系厂家更换配件，并延长保修期一年",
    "process": "已协助客户一次性办结手续，并优化办理流程",
    "billing": "经核实确有多收，已退还差额并致歉",
    "facilities": "已维修完毕并安排每日巡查",
    "other": "已上门协调，双方达成一致",
}
ROOT_CAUSES = {
    "attitude": "员工服务意识不足，缺少礼仪培训",
    "service_quality": "维修人员不足，派单不及时",
    "product": "供应商产品质量问题",
    "process": "办理流程环节过多，资料要求不清楚",
    "billing": "系统计费规则设置错误",
    "facilities": "设施老化，巡检不到位",
    "other": "小区管理规约宣传不够",
}
ACTIONS = {
    "attitude": "组织全员服务礼仪培训，纳入月度考核",
    "service_quality": "增加维修人员排班，报修 24 小时内响应",
    "product": "加强进场验收，更换合格供应商",
    "process": "制作办事指南，一次性告知所需材料",
    "billing": "修正计费规则，每月抽查账单",
    "facilities": "制定设施巡检表，每周检查",
    "other": "张贴文明公约，加强巡逻劝导",
}
SUGGESTIONS = [
    "希望以后响应再快一点",
    "服务很好，谢谢",
    "建议多开展业主活动",
    "",
    "",
    "",
    "希望加强小区安保",
    "处理及时，满意",
    "电话太难打通了",
]

CATEGORY_WEIGHTS = {
    "service_quality": 30,
    "facilities": 20,
    "billing": 15,
    "attitude": 12,
    "process": 10,
    "product": 8,
    "other": 5,
}
CHANNEL_WEIGHTS = {
    "phone": 45,
    "walk_in": 20,
    "web": 15,
    "email": 8,
    "letter": 4,
    "media": 3,
    "other": 5,
}
SEVERITY_WEIGHTS = {"normal": 75, "serious": 20, "critical": 5}

__all__ = [
    "ACTIONS",
    "CATEGORY_WEIGHTS",
    "CHANNEL_WEIGHTS",
    "COMPANY_HEADS",
    "COMPANY_TAILS",
    "DESCRIPTIONS",
    "GIVEN",
    "REGIONS",
    "RESOLUTIONS",
    "ROOT_CAUSES",
    "SEVERITY_WEIGHTS",
    "STAFF",
    "STREETS",
    "SUGGESTIONS",
    "SURNAMES",
]
