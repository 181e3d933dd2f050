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
})  # end dashboard

# --- gsheets ---
MESSAGES.update({
})  # end gsheets
