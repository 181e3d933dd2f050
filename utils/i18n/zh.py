"""简体中文目录。键与 en.py 相同、顺序相同。"""

MESSAGES: dict[str, str] = {
    # --- data problems (sheets_schema.validate) ---
    "problem.column_ref": "{letter} 列“{header}”",
    "problem.missing_value": "{column_ref}为空。{label}是必填项，请补上。",
    "problem.bad_choice": "{column_ref}：“{value}”不在可选范围内。请填写：{options}。",
    "problem.bad_date": "{column_ref}：“{value}”不是日期。请按 2026-10-05 的格式填写。",
    "problem.bad_datetime": (
        "{column_ref}：“{value}”不是日期时间。请按 2026-10-05 14:30 的格式填写。"
    ),
    "problem.bad_int": "{column_ref}：“{value}”不是整数。",
    "problem.out_of_range": "{column_ref}：{value} 超出允许范围 {lo}–{hi}。",
    "problem.bad_phone": "{column_ref}：“{value}”不是电话号码。只能包含数字、空格、+、- 和括号。",
    "problem.bad_email": "{column_ref}：“{value}”不是有效的电子邮箱（如 name@example.com）。",
    "problem.bad_value": "{column_ref}：“{value}”无效（{detail}）。",
    "problem.ignored_cell": "更正之前，此单元格将被忽略。",
    "problem.duplicate_id": (
        "{column_ref}：编号 {value} 已在第 {first} 行使用。请给其中一行换一个新编号或删除重复行；"
        "在此之前本行不参与统计。"
    ),
    "problem.unknown_client": "{column_ref}：客户档案中没有客户 {value}。请核对编号或先登记该客户。",
    "problem.unknown_complaint": "{column_ref}：投诉记录中没有投诉 {value}。请核对编号。",
    "problem.missing_column": (
        "工作表“{sheet}”缺少“{label}”列（{field}）。请在第 1 行加上该表头"
        "（或运行 `python -m utils.cli init`）；在此之前无法读取该表。"
    ),
    "problem.missing_tab": (
        "表格中没有“{label}”工作表。请运行 `python -m utils.cli init` 创建，"
        "或把存放该表的工作表改名为“{label}”。"
    ),
    "problem.duplicate_column": (
        "{letter} 列和 {other} 列都是“{label}”；系统使用 {other} 列。请改名或删除其中一列。"
    ),
    "problem.needs_resolution": (
        "{column_ref}为空，但处理状态为“{status}”：已解决或已结案的投诉必须填写{label}。"
    ),
    "problem.needs_closed_at": "{column_ref}为空，但处理状态为“{status}”：已结案的投诉必须填写{label}。",
    "problem.needs_solved": "{column_ref}为空：已联系上客户的投诉回访必须填写问题是否解决。",
    "problem.needs_complaint": "{column_ref}为空：投诉回访必须填写所回访的投诉编号。",
    "problem.pending": "有 {count} 条保存尚未写入表格，正在等待。",
    # --- store and command line ---
    "store.locked": (
        "工作簿 {path} 暂时无法写入（可能正被 Excel 或 WPS 打开、只读或磁盘已满）。"
        "您的保存已妥善保留，一旦可以写入就会自动写入。"
    ),
    "store.conflict": (
        "{tab} {record_id} 在您打开之后已被他人在表格中修改（{theirs_by}，{theirs_at}）。"
        "没有覆盖任何内容。"
    ),
    "store.not_found": "表格中找不到{tab} {record_id}（可能已被删除）。",
    "store.invalid_record": "未保存：{details}",
    "store.bad_workbook": (
        "{path} 不是 Sheetdesk 能打开的工作簿（{detail}）。请检查 SHEETDESK_WORKBOOK 中的路径，"
        "或把该文件移走以便新建。"
    ),
    "cli.init_done": "{path}：工作表和表头已就绪（{added}）。",
    "cli.init_nothing": "无需添加",
    "cli.check_ok": "{path}：{clients} 个客户、{complaints} 条投诉、{revisits} 条回访，没有发现问题。",
    "cli.check_summary": "{errors} 个错误，{warnings} 个警告。",
    "cli.demo_done": "{path}：已添加 {clients} 个客户、{complaints} 条投诉、{revisits} 条回访。",
    "cli.import_done": "{tab}：新增 {added} 行，已存在 {skipped} 行，拒绝 {rejected} 行。",
    "cli.report_done": "报告已写入 {path}",
    "cli.unknown_tab": "没有名为“{tab}”的表。请使用 clients、complaints 或 revisits。",
    "cli.file_missing": "找不到文件：{path}",
    "cli.file_unreadable": "无法读取 {path}：{detail}",
    # --- tabs and generic words ---
    "tab.clients": "客户档案",
    "tab.complaints": "投诉记录",
    "tab.revisits": "回访记录",
    "level.error": "错误",
    "level.warning": "警告",
}
MESSAGES.update({
    "error.generic": "出现了问题。",
})

# --- app frame (app.py, utils/ui.py, pages/home.py, pages/health.py) ---
MESSAGES.update({
    "nav.home": "首页",
    "nav.clients": "客户档案",
    "nav.complaints": "投诉记录",
    "nav.revisits": "回访",
    "nav.dashboard": "管理看板",
    "nav.health": "数据检查",
    "ui.your_name": "您的姓名",
    "ui.your_name_hint": "例如 王芳",
    "ui.sign_in": "开始",
    "ui.name_required": "请先填写姓名：保存的记录会署上您的名字。",
    "ui.signed_in_as": "👤 **{name}** · {role}",
    "ui.sign_out": "切换人员",
    "ui.sign_in_first": "请先在侧边栏填写姓名：保存的记录会署上您的名字。",
    "role.staff": "客服专员",
    "role.manager": "主管",
    "role.admin": "管理员",
    "ui.store_local": "📄 工作簿：`{source}`",
    "ui.store_gsheets": "🟢 Google 表格：`{source}`",
    "ui.read_at": "读取时间 {time}",
    "ui.pending": "有 {count} 条保存正在等待写入表格。它们已妥善保存并在各页面显示，表格可写入时会自动写入。",
    "ui.conflicts": "有 {count} 条保存因表格中该行已被修改而未写入。请到“数据检查”查看。",
    "ui.refresh": "刷新",
    "home.title": "Sheetdesk 客服工作台",
    "home.welcome": "欢迎！表格目前是空的。可以先登记一位客户，或载入演示数据看看效果（之后可在工作簿中删除）。",
    "home.load_demo": "载入演示数据",
    "home.demo_loaded": "演示数据已载入：{clients} 个客户、{complaints} 条投诉、{revisits} 条回访。",
    "home.counts": "{clients} 个客户 · {complaints} 条投诉 · {revisits} 条回访",
    "home.problems": "有 {count} 行数据需要处理——请查看“数据检查”。",
    "home.tables": "数据表",
    "health.title": "数据检查",
    "health.intro": "未通过校验的行都列在这里，注明工作表、行号和列。其余数据照常使用。请在表格中改正该单元格，然后点“刷新”。",
    "health.none": "没有问题：所有行都有效。",
    "health.where": "打开表格：{source}",
    "health.filter_tab": "工作表",
    "health.filter_level": "级别",
    "health.search": "搜索说明",
    "health.col.level": "级别",
    "health.col.tab": "工作表",
    "health.col.row": "行号",
    "health.col.column": "列",
    "health.col.message": "处理方法",
    "health.conflicts": "因表格中该行已被修改而未写入的保存",
    "health.conflict_line": "{tab} {record_id}（保存于 {created}）：{error}",
    "health.drop_conflict": "放弃这条保存",
    "health.pending": "等待写入的保存",
    "health.summary": "{errors} 个错误，{warnings} 个警告",
})  # end app frame

# --- workflow ---
MESSAGES.update({
    # actions offered on a complaint (names as in utils.workflow.ACTIONS)
    "workflow.action.assign": "指派经办人",
    "workflow.action.escalate": "层级上报",
    "workflow.action.record_progress": "记录处理进展",
    "workflow.action.resolve": "处理完毕",
    "workflow.action.record_feedback": "已反馈客户",
    "workflow.action.close": "结案",
    "workflow.action.reopen": "重新处理",
    # refusals (WorkflowError keys)
    "workflow.not_yours": (
        "投诉 {complaint_id} 由首问责任人（{first_receiver}）和经办人（{handler}）负责。"
        "请由他们或主管处理。"
    ),
    "workflow.wrong_state.assign": "只有已受理或处理中的投诉才能指派经办人。",
    "workflow.wrong_state.escalate": "只有已受理或处理中的投诉才能层级上报。",
    "workflow.wrong_state.record_progress": "只有已受理或处理中的投诉才能记录进展；请先重新处理。",
    "workflow.wrong_state.resolve": (
        "只有已受理或处理中的投诉才能处理完毕；这条投诉已解决或已结案。"
    ),
    "workflow.wrong_state.record_feedback": "投诉解决后才能记录已反馈客户。",
    "workflow.wrong_state.close": "只有已解决的投诉才能结案。",
    "workflow.wrong_state.reopen": "只有已解决或已结案的投诉才能重新处理。",
    "workflow.reassign_manager_only": "这条投诉已由{handler}经办，只有主管才能改派。",
    "workflow.same_handler": "这条投诉已由{handler}经办。",
    "workflow.top_level": "这条投诉已上报至总经理（最高层级），不能再上报。",
    "workflow.close_needs_followup": (
        "投诉须经回访联系上客户、客户确认问题已解决后才能结案。"
        "目前未联系上 {attempts} 次（共 {max} 次）。"
    ),
    "workflow.close_not_solved": "最近一次回访客户表示问题未解决或不满意：请重新处理，不能结案。",
    "workflow.close_unreachable_manager": (
        "已回访 {attempts} 次均未联系上客户：可由主管填写原因后结案。"
    ),
    "workflow.need_reason": "请填写原因。",
    "workflow.need_note": "请填写处理情况。",
    "workflow.need_resolution": "请填写处理结果。",
    "workflow.need_description": "请填写投诉内容。",
    "workflow.need_handler": "请选择经办人。",
    # generated details in the progress log
    "workflow.log.closed_after": "回访 {revisit_id}：已联系上客户，问题已解决",
    "workflow.log.closed_unreached": "回访 {attempts} 次未联系上客户；{reason}",
    "workflow.log.followup_not_solved": "回访 {revisit_id}：客户表示问题未解决",
    "workflow.log.followup_unsatisfied": "回访 {revisit_id}：客户不满意",
    "workflow.log.followup_both": "回访 {revisit_id}：客户表示问题未解决且不满意",
    "workflow.log.already_top": "已是最高层级，未再上报",
    "workflow.log.unreachable": (
        "回访 {revisit_id}：第 {attempts} 次未联系上客户，可由主管填写原因后结案"
    ),
    # queues
    "workflow.overdue": "已超时",
    "workflow.queue.followups": "待投诉回访",
    "workflow.queue.routine": "待例行回访",
    "workflow.col.attempts": "未联系上次数",
    "workflow.col.next_attempt": "下次为第几次联系",
    "workflow.col.last_attempt_at": "最近一次联系",
    "workflow.col.unreachable": "需主管处理",
    "workflow.col.last_reached": "上次联系上",
    "workflow.col.due_on": "应回访日期",
    "workflow.col.days_late": "逾期天数",
    "workflow.col.late": "已逾期",
})  # end workflow

# --- pages ---
MESSAGES.update({
})  # end pages

# --- dashboard ---
MESSAGES.update({
    "dash.unset": "（未填）",
    "dash.unassigned": "（未分派）",
    "dash.state.on_time": "未超时",
    "dash.state.overdue": "已超时",
    "dash.week_of": "{date} 当周",
    "dash.dim.category": "投诉类别",
    "dash.dim.channel": "投诉渠道",
    "dash.dim.severity": "严重程度",
    "dash.dim.level": "处理层级",
    "dash.dim.owner": "经办人",
    "dash.dim.grade": "客户等级",
    "dash.dim.client_status": "客户状态",
    "dash.axis.week": "周",
    "dash.axis.month": "月份",
    "dash.axis.complaints": "投诉数",
    "dash.axis.share": "占比",
    "dash.axis.open": "未解决投诉",
    "dash.axis.working_days": "解决用时（工作日）",
    "dash.axis.count": "数量",
    "dash.axis.scored": "有评分的回访",
    "dash.axis.clients": "客户数",
    "dash.axis.per_100": "每百名活跃客户",
    "dash.unit.days": "个工作日",
    "dash.short.median": "中位数",
    "dash.short.p90": "90%分位",
    "dash.chart.over_time.category": "投诉趋势（按类别）",
    "dash.chart.over_time.channel": "投诉趋势（按渠道）",
    "dash.chart.over_time.severity": "投诉趋势（按严重程度）",
    "dash.chart.by_category": "各类别投诉",
    "dash.chart.by_channel": "各渠道投诉",
    "dash.chart.by_severity": "各严重程度投诉",
    "dash.chart.open_by_level": "未解决投诉（按处理层级）",
    "dash.chart.open_by_owner": "未解决投诉（按经办人）",
    "dash.chart.resolve_time": "解决用时分布（工作日）",
    "dash.chart.revisit_rates": "回访情况",
    "dash.chart.score_trend": "回访平均评分",
    "dash.chart.clients": "客户等级与状态",
    "dash.chart.new_clients": "每月新增客户",
    "dash.chart.per_100": "每百名活跃客户投诉数",
    "dash.kpi.received": "受理",
    "dash.kpi.open": "未解决",
    "dash.kpi.overdue": "超时",
    "dash.kpi.resolved": "已解决",
    "dash.kpi.closed": "已结案",
    "dash.kpi.within_limit": "按时解决率",
    "dash.kpi.median_days": "解决用时中位数（工作日）",
    "dash.kpi.p90_days": "解决用时90%分位（工作日）",
    "dash.kpi.reopened": "重新处理",
    "dash.kpi.completion": "投诉回访完成率",
    "dash.kpi.reach_rate": "回访接通率",
    "dash.kpi.solved_share": "问题已解决比例",
    "dash.kpi.satisfied_share": "满意率",
    "dash.kpi.avg_score": "平均评分",
    "dash.kpi.active_clients": "活跃客户",
    "dash.kpi.new_clients": "新增客户",
    "dash.kpi.per_100": "每百名活跃客户投诉数",
    "dash.help.received": "本期受理的投诉数。",
    "dash.help.open": "期末（或当前）尚未解决的投诉数。",
    "dash.help.overdue": "期末（或当前）已超过处理时限仍未解决的投诉数。",
    "dash.help.resolved": "本期解决的投诉数（状态为已解决或已结案）。",
    "dash.help.closed": "本期结案的投诉数。",
    "dash.help.within_limit": "本期解决的投诉中，在处理时限内解决的比例。",
    "dash.help.median_days": "本期解决的投诉中，一半在这个工作日数以内解决。",
    "dash.help.p90_days": "本期解决的投诉中，90% 在这个工作日数以内解决。",
    "dash.help.reopened": "本期重新打开的投诉数（手工重开或回访不满意后重开）。",
    "dash.help.completion": "本期解决的投诉中，回访已联系上客户的比例。",
    "dash.help.reach_rate": "本期回访中联系上客户的比例。",
    "dash.help.solved_share": "联系上的客户中，表示问题已解决的比例。",
    "dash.help.satisfied_share": "联系上的客户中，对服务态度表示满意的比例。",
    "dash.help.avg_score": "本期回访的平均服务评分（1–10 分）。",
    "dash.help.active_clients": "当前状态为活跃的客户数。",
    "dash.help.new_clients": "本期登记的新客户数。",
    "dash.help.per_100": "本期受理投诉数 ÷ 活跃客户数 × 100。",
    "dash.staff.staff": "员工",
    "dash.staff.handled": "处理投诉数",
    "dash.staff.within_limit": "按时解决率",
    "dash.staff.open": "未解决",
    "dash.staff.overdue": "超时",
    "dash.staff.revisits": "回访次数",
    "dash.staff.reached": "联系上",
    "dash.staff.avg_score": "平均评分",
    "dash.period.this_week": "本周",
    "dash.period.this_month": "本月",
    "dash.period.last_month": "上月",
    "dash.period.custom": "自定义",
    "dash.freq.W": "按周",
    "dash.freq.M": "按月",
    "dash.vs_previous": "对比 {start} – {end}",
    "report.title": "{month} 投诉与回访月报",
    "report.meta": "统计期间 {start} 至 {end}，对比期间：{previous}。",
    "report.as_of": "未解决与超时投诉统计截至 {when}。数据读取时间 {now}。",
    "report.filters": "筛选条件：{filters}",
    "report.h.figures": "本月数据",
    "report.section.complaints": "投诉",
    "report.section.revisits": "回访",
    "report.section.clients": "客户",
    "report.col.figure": "指标",
    "report.col.change": "变化",
    "report.definitions": (
        "解决用时只计工作日（跳过周末和节假日）。恰好在处理时限解决的投诉计为按时解决。"
        "pp = 百分点。"
    ),
    "report.h.charts": "图表",
    "report.h.overdue": "超时投诉（截至 {when}）",
    "report.col.overdue_days": "超时工作日",
    "report.h.reopened": "重新处理的投诉",
    "report.col.reopened_at": "重开时间",
    "report.col.times": "重开次数",
    "report.h.staff": "员工情况",
    "report.star_title": "{month} 每月之星",
    "report.star_line": "回访平均评分 {score}，联系上客户的回访 {n} 次（至少需要 {min} 次）。",
    "report.no_star": "本月暂无每月之星：没有员工的有效回访达到 {n} 次。",
    "report.h.top": "主要投诉类别及原因分析",
    "report.action": "改进措施",
    "report.no_cause": "未填写原因分析。",
    "report.none": "无。",
    "report.more": "……另有 {n} 条（完整列表见看板）。",
    "report.footer": "由 Sheetdesk 生成于 {when}。",
})  # end dashboard

# --- gsheets ---
MESSAGES.update({
    "gsheets.bad_spreadsheet": (
        "“{value}”不是 Google 表格的网址或表格 ID。请从浏览器地址栏复制表格网址"
        "（https://docs.google.com/spreadsheets/d/…），填到 SHEETDESK_SPREADSHEET 或 "
        ".streamlit/secrets.toml 的 `spreadsheet` 中。"
    ),
    "gsheets.credentials_missing": (
        "已配置使用 Google 表格，但没有找到凭据。请把 GOOGLE_APPLICATION_CREDENTIALS 设为服务账号 "
        "JSON 密钥文件的路径，或把密钥中的各项填到 .streamlit/secrets.toml 的 "
        "[connections.gsheets] 下。"
    ),
    "gsheets.credentials_not_found": (
        "服务账号密钥文件 {path} 不存在。请检查 GOOGLE_APPLICATION_CREDENTIALS 中的路径。"
    ),
    "gsheets.credentials_bad_json": (
        "{where} 不是可读取的 JSON 密钥文件（{detail}）。请重新下载服务账号的密钥"
        "（Google Cloud 控制台 → IAM → 服务账号 → 密钥 → 添加密钥 → JSON）。"
    ),
    "gsheets.credentials_not_service_account": (
        "{where} 中的凭据不是服务账号密钥（类型为“{kind}”）。请创建服务账号并下载其 JSON 密钥"
        "（Google Cloud 控制台 → IAM → 服务账号 → 密钥 → 添加密钥 → JSON）。"
    ),
    "gsheets.credentials_incomplete": (
        "{where} 中的服务账号密钥缺少 {fields}。请把 JSON 密钥文件中的每一项都复制过去。"
    ),
    "gsheets.credentials_invalid": (
        "{where} 中的服务账号密钥无法使用（{detail}）。私钥可能在复制时被截断或改动，"
        "请从 JSON 密钥文件重新复制。"
    ),
    "gsheets.credentials_rejected": (
        "Google 拒绝了该服务账号密钥（{detail}）。密钥可能已被删除或停用，请为服务账号新建一个密钥。"
    ),
    "gsheets.api_disabled": (
        "服务账号所在的 Google Cloud 项目尚未启用 Google Sheets API。请启用它（console.cloud.google.com"
        " → API 和服务 → 库 → Google Sheets API），几分钟后再试。（{detail}）"
    ),
    "gsheets.not_shared": (
        "服务账号 {email} 无权打开表格 {key}。请在 Google 表格中点击“共享”，把 {email} "
        "添加为编辑者。"
    ),
    "gsheets.not_found": (
        "找不到 Google 表格 {key}，它可能已被删除。请检查 SHEETDESK_SPREADSHEET 或 "
        ".streamlit/secrets.toml 中的 `spreadsheet`。"
    ),
    "gsheets.unavailable": (
        "暂时无法连接 Google 表格（{detail}）。保存的内容已留在本机，连接恢复后会自动写入；"
        "请稍后再刷新数据。"
    ),
    "gsheets.api_error": "Google 表格拒绝了请求：{detail}",
    "gsheets.stale": (
        "当前显示的是 {age} 秒前读取的数据：刚才未能读取 Google 表格（{detail}）。"
    ),
})  # end gsheets
