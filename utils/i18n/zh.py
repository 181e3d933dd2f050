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
    "problem.too_long": "{column_ref}长度为 {value} 个字符，表格的一个单元格最多只能容纳 {limit} 个字符。请缩短内容（或把其余内容写到其他字段）。",
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
    "cli.import_waiting": "另有 {count} 行已保存但尚未写入表格（{reason}）。它们暂存在表格旁，下次有机会时写入（运行任意命令或打开应用）；在此之前退出状态为 3。",
    "cli.password": "密码：",
    "cli.password_again": "再次输入密码：",
    "cli.password_short": "密码至少需要 {n} 个字符。未生成任何内容。",
    "cli.password_mismatch": "两次输入的密码不一致。未生成任何内容，请重试。",
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
MESSAGES.update(
    {
        "error.generic": "出现了问题。",
    }
)

# --- app frame (app.py, utils/ui.py, pages/home.py, pages/health.py) ---
MESSAGES.update(
    {
        "nav.home": "首页",
        "nav.clients": "客户档案",
        "nav.complaints": "投诉记录",
        "nav.revisits": "回访",
        "nav.dashboard": "管理看板",
        "nav.health": "数据检查",
        "auth.title": "登录 Sheetdesk",
        "auth.login": "账号",
        "auth.password": "密码",
        "auth.sign_in": "登录",
        "auth.sign_out": "退出登录",
        "auth.wrong": "账号或密码不正确，请核对后重试；多次输错后将暂停登录一段时间。",
        "auth.locked": "输错次数过多：登录已暂停约 {minutes} 分钟。如忘记密码，请联系管理员。",
        "auth.expired": "长时间没有操作，您已自动退出。请重新登录后继续。",
        "auth.closed.title": "尚未设置登录",
        "auth.closed.body": "本 Sheetdesk 使用共享的 Google 表格，未登录不得使用。请管理员在 .streamlit/secrets.toml 的 [sheetdesk.accounts] 中添加账号（密码用 `python -m utils.cli hash-password` 生成哈希），或在 [auth] 中配置 OpenID Connect。如确需免登录使用，请在 [sheetdesk] 中设置 allow_open = true。详见 README 的“账号与登录”。",
        "auth.open_remote.title": "仅限本机使用",
        "auth.open_remote.body": "尚未设置账号，因此 Sheetdesk 只能在运行它的这台电脑的浏览器中打开。如需在其他电脑上使用，请管理员先添加账号（见 README“账号与登录”）。",
        "auth.no_access.title": "暂无访问权限",
        "auth.no_access.body": "您已用 {email} 登录，但该邮箱在 Sheetdesk 中没有角色。请联系{contact}在 [sheetdesk.roles] 中添加。",
        "auth.no_access.admin": "Sheetdesk 管理员",
        "auth.oidc_button": "使用公司账号登录",
        "auth.open_banner": "开放模式：尚未设置账号，任何能打开此地址的人都以管理员身份操作。分享地址前请先添加账号（见 README“账号与登录”）。",
        "ui.signed_in_as": ":material/person: **{name}** · {role}",
        "role.staff": "客服专员",
        "role.manager": "主管",
        "role.admin": "管理员",
        "ui.store_local": ":material/description: 工作簿：{source}",
        "ui.store_gsheets": ":material/cloud: Google 表格：{source}",
        "ui.read_at": "读取时间 {time}",
        "ui.pending": "有 {count} 条保存正在等待写入表格。它们已妥善保存并在各页面显示，表格可写入时会自动写入。",
        "ui.conflicts": "有 {count} 条保存因表格中该行已被修改而未写入。请到“数据检查”查看。",
        "ui.kept_fallback": "工作簿旁的保存文件夹无法写入（{reason}）。保存内容暂存在 {folder}，并从那里写入表格。",
        "ui.kept_memory": "保存内容无法写入磁盘（{reason}），目前只保存在本程序的内存中：在写入表格之前请不要关闭或重启本程序。请腾出磁盘空间或检查文件夹权限。",
        "ui.writer_failed": "向表格写入保存内容的过程已停止（{reason}）。保存内容仍被保留；下一次保存或点击“刷新”时会重试。",
        "ui.writing": ":material/edit_note: 正在把 {count} 条保存写入表格…",
        "ui.refresh": "刷新",
        "home.title": "Sheetdesk 客服工作台",
        "home.welcome": "欢迎！表格目前是空的。可以先登记一位客户，或载入演示数据看看效果（之后可在工作簿中删除）。",
        "home.load_demo": "载入演示数据",
        "home.demo_loaded": "演示数据已载入：{clients} 个客户、{complaints} 条投诉、{revisits} 条回访。",
        "home.counts": "{clients} 个客户 · {complaints} 条投诉 · {revisits} 条回访",
        "home.problems": "有 {count} 行数据需要处理——请查看“数据检查”。",
        "home.tables": "数据表",
        "health.fix.title": "在此修正一行",
        "health.fix.managers": "主管或管理员可以在此修正这些行（任何人也可以直接在表格中修改）。",
        "health.fix.pick": "要修正的行",
        "health.fix.pick_hint": "选择一行",
        "health.fix.row": "{tab}，第 {row} 行 · {record_id}",
        "health.fix.gone": "表格中已没有 {record_id}。",
        "health.fix.changed": "该行在表格中已被修改：请重新查看后再保存。",
        "health.fix.saved": "{record_id} 已修正。",
        "complaints.log.requested_help": "仅当客户要求了处理时限时填写（制度：按客户要求的时间解决）。早于规定时限时，以客户要求为准。",
        "nav.settings": "设置",
        "settings.title": "设置",
        "settings.admins_only": "只有管理员可以修改团队设置。",
        "settings.intro": "当前生效的值及其来源：表格的“设置”页（可在此或直接在表格中修改）、secrets 文件或环境变量（后两者优先）。设置页中无法使用的值会被标出，期间使用默认值。",
        "settings.col.label": "设置项",
        "settings.col.value": "设置页中的值",
        "settings.col.effective": "生效值",
        "settings.col.source": "来源",
        "settings.col.default": "默认值",
        "settings.col.problem": "问题",
        "settings.change": "修改设置",
        "settings.key": "设置项",
        "settings.value": "新值",
        "settings.value_help": "按在表格中输入的格式填写，例如 3、true、2026-10-01, 2026-10-02，或 周主任, 吴经理。留空则恢复默认值。",
        "settings.saved": "已在设置页保存：{label}。",
        "settings.reminders": "提醒",
        "reminders.status.never": "提醒尚未运行。设置方法见 docs/reminders.md（每隔几分钟运行一次 `python -m utils.cli remind`）。",
        "reminders.status.error": "上一次提醒运行（{at}）无法读取数据：{error}",
        "reminders.status.ran": "上一次提醒运行 {at}：{messages} 条消息——{kinds}；渠道：{channels}。",
        "reminders.status.failing": "提醒渠道 {channel} 发送失败：{reason}。这些提醒会在下一次运行时重发。",
        "reminders.status.sent": "已发送",
        "reminders.status.failed": "失败",
        "reminders.status.deferred": "已延后",
        "reminders.status.skipped": "已跳过",
        "home.latest": "共 {total} 行，这里显示最近修改的 {shown} 行。请到各表自己的页面搜索和筛选。",
        "health.title": "数据检查",
        "health.intro": "未通过校验的行都列在这里，注明工作表、行号和列。其余数据照常使用。请在表格中改正该单元格，然后点“刷新”。",
        "health.none": "没有问题：所有行都有效。",
        "health.where": "打开表格：{source}",
        "health.all": "全部",
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
        "health.damaged": "无法读回的保存（保存文件已损坏）",
        "health.damaged_line": "{created} 的一次保存无法读回，未写入表格：文件 {name}（{reason}）。仍可辨认的内容：{what}。如表格中缺少这条记录，请重新录入，然后删除此提示。",
        "health.damaged_what": "{tab} {record_id}",
        "health.damaged_unknown": "无（文件为空或无法读取）",
        "health.drop_damaged": "删除此提示",
        "health.pending": "等待写入的保存",
        "health.summary": "{errors} 个错误，{warnings} 个警告",
    }
)  # end app frame

# --- workflow ---
MESSAGES.update(
    {
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
        "workflow.about_you": "{complaint_id} 是针对您本人的投诉，您不能经办或作出决定，请由主管（或其他同事）处理。",
        "workflow.handler_is_about": "{handler} 是该投诉的被投诉人员，不能担任经办人，请另选他人。",
        "workflow.manager_only_fields": "只有主管可以修改{fields}。",
        "workflow.deadline_reason": "推迟处理时限需要填写原因（会记入处理记录）。",
        "workflow.not_your_client": "{name} 的负责人是 {owner}：只有负责人或主管可以修改。",
        "workflow.owner_manager_only": "只有主管可以把客户交给其他客服人员。",
        "workflow.admin_only": "只有管理员可以执行此操作。",
        "workflow.manager_only": "只有主管可以执行此操作。",
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
        "workflow.log.earlier_resolution": "此前于 {at} 解决：{text}",
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
    }
)  # end workflow

# --- pages ---
MESSAGES.update(
    {
        # shared by the staff pages (utils/ui_forms.py)
        "list.none": "没有符合条件的记录。",
        "list.count_all": "共 {total} 条。",
        "list.count_some": "共 {total} 条，仅显示前 {shown} 条；请缩小搜索范围查看其余记录。",
        "list.anyone": "全部人员",
        "list.click_to_open": "点击一行即可打开。",
        "list.see_health": "未通过校验的行列在“数据检查”页面",
        "form.blank": "—",
        "form.required_note": "带 * 的为必填项。",
        "form.save": "保存修改",
        "form.no_changes": "没有修改任何内容，未保存。",
        "form.not_saved": "未保存：请按标红的提示修改后再提交。",
        "form.stale": "您打开下面的表单后，{by} 于 {at} 修改了这条记录；表单中仍是修改前的内容。"
        "保存时会先把两个版本都给您看。",
        "form.reload": "重新载入表单",
        "form.help.phone": "只能填数字、空格、+、- 和括号，例如 138 0013 8000 或 +86 10 6552 9988。",
        "form.help.email": "例如 name@example.com",
        "save.writing": "{record_id} 正在写入表格。",
        "save.kept": "{record_id} 已保存，但还没有写入表格（{error}）。记录已妥善保留，各页面都能看到，"
        "表格可写入时会自动写入。",
        "save.conflict_queued": "{record_id} 未能写入：这一行在表格中已被他人修改。请到“数据检查”页面处理。",
        "conflict.title": "表格中的记录已被修改",
        "conflict.intro": "您打开 {record_id} 之后，{by} 于 {at} 修改了它。目前没有覆盖任何内容。"
        "请对比两个版本，选择保留哪一个。",
        "conflict.col.field": "字段",
        "conflict.col.mine": "您的版本",
        "conflict.col.theirs": "表格中的当前版本",
        "conflict.keep_mine": "保留我的版本",
        "conflict.take_theirs": "采用表格中的版本",
        "conflict.cancel": "取消",
        "conflict.took_theirs": "已采用表格中 {record_id} 的版本，您的修改没有保存。",
        "conflict.again": "这条记录刚刚又被修改了一次，下面显示的是最新版本。",
        # client register
        "clients.title": "客户档案",
        "clients.tab.list": "客户列表",
        "clients.tab.add": "登记新客户",
        "clients.search": "搜索",
        "clients.search_hint": "客户名称、电话或客户编号",
        "clients.filter.grade": "客户等级",
        "clients.filter.status": "状态",
        "clients.filter.owner": "客服负责人",
        "clients.masked_note": "其他同事负责的客户，电话和地址已隐藏部分内容。",
        "clients.add_submit": "登记客户",
        "clients.added": "客户 {name} 已登记，编号 {record_id}。",
        "clients.saved": "客户 {record_id} 已保存。",
        "clients.duplicate_phone": "电话 {phone} 已登记在 {count} 位客户名下。可以点击下方链接查看，"
        "或者仍然登记为新客户。",
        "clients.duplicate_link": "{name} · {record_id} · 负责人 {owner}",
        "clients.add_anyway": "仍然登记",
        "clients.add_cancel": "返回修改",
        "clients.back": "客户档案",
        "clients.not_found": "客户档案中没有有效的客户 {record_id}。",
        "clients.m.complaints": "投诉",
        "clients.m.open": "未解决",
        "clients.m.overdue": "已超时",
        "clients.m.revisits": "回访",
        "clients.m.last_reached": "最近联系上",
        "clients.m.avg_score": "平均评分",
        "clients.log_complaint": "为该客户登记投诉",
        "clients.record_revisit": "登记回访",
        "clients.shares_phone": "该电话还登记在另外 {count} 位客户名下：",
        "clients.details": "客户信息",
        "clients.timeline": "投诉与回访记录",
        "clients.timeline_hint": "点击一行可打开对应的投诉。",
        "clients.no_history": "暂无投诉和回访记录。",
        "clients.edit": "修改客户信息",
        "clients.edit_not_allowed": "只有该客户的客服负责人（{owner}）或主管可以修改客户信息。",
        # complaint log
        "complaints.title": "投诉记录",
        "complaints.tab.list": "投诉列表",
        "complaints.tab.log": "登记投诉",
        "complaints.view": "显示",
        "complaints.view.open": "未解决",
        "complaints.view.overdue": "已超时",
        "complaints.view.mine": "我的",
        "complaints.view.all": "全部",
        "complaints.filters": "筛选",
        "complaints.f.status": "处理状态",
        "complaints.f.category": "投诉类别",
        "complaints.f.severity": "严重程度",
        "complaints.f.handler": "经办人",
        "complaints.f.period": "受理日期",
        "complaints.f.text": "搜索",
        "complaints.f.text_hint": "投诉编号、客户编号或投诉内容中的文字",
        "complaints.unassigned": "（未指定经办人）",
        "complaints.overdue_in_list": ":material/alarm: 其中 {count} 条已超时（已标红）。",
        "complaints.col.client": "客户",
        "complaints.log.new_client": "新客户：当场登记",
        "complaints.log.new_client_fields": "新客户信息",
        "complaints.log.find_client": "查找客户",
        "complaints.log.client": "客户",
        "complaints.log.client_hint": "先搜索，再选择",
        "complaints.log.no_client": "没有找到客户。可打开“新客户”当场登记。",
        "complaints.log.need_client": "请选择客户，或登记新客户。",
        "complaints.log.register_anyway": "即使电话已登记，也作为新客户登记",
        "complaints.log.phone_exists": "该电话已登记在 {clients} 名下。请改为选择该客户，"
        "或勾选上方选项仍然登记新客户。",
        "complaints.log.severity_help": "处理时限（工作日）：一般 {normal} 天，严重 {serious} 天，"
        "重大 {critical} 天。",
        "complaints.log.first_receiver": "您（{name}）是这条投诉的首问负责人，处理时限从现在开始计算。",
        "complaints.log.submit": "登记投诉",
        "complaints.logged": "投诉 {record_id} 已登记，请在 {due} 前处理完毕。",
        "complaints.back": "投诉记录",
        "complaints.not_found": "投诉记录中没有有效的投诉 {record_id}。",
        "complaints.due": "时限 {due}",
        "complaints.unknown_client": "客户档案中没有客户 {client_id}。",
        "complaints.actions": "下一步",
        "complaints.no_actions": "这条投诉目前没有可办理的事项。",
        "complaints.action_done": "{action}：{record_id} 已保存。",
        "complaints.a.handler": "经办人 *",
        "complaints.a.handler_hint": "选择或输入姓名",
        "complaints.a.escalate_to": "从{current}上报到{level}。",
        "complaints.a.reason": "原因",
        "complaints.a.note": "处理情况",
        "complaints.a.feedback_hint": "记录已将处理结果反馈给客户。",
        "complaints.a.close_solved": "回访 {revisit_id} 已联系上客户，客户表示问题已解决，可以结案。",
        "complaints.a.close_unreached": "回访 {attempts} 次均未联系上客户。主管可以结案，请填写原因。",
        "complaints.followup_state": ":material/call: 投诉回访：目前已有 **{attempts}** 次未联系上（最多 {max} 次）。",
        "complaints.record_followup": "登记投诉回访",
        "complaints.log": "处理记录",
        "complaints.log_empty": "暂无处理记录。",
        "complaints.revisits": "投诉回访",
        # revisits
        "revisits.title": "回访",
        "revisits.tab.recorded": "已登记的回访",
        "revisits.mine": "只看我的",
        "revisits.staff": "人员",
        "revisits.followups_intro": "已解决、但回访还没有联系上客户的投诉。{max} 次未联系上后，主管可以结案。",
        "revisits.routine_intro": "到期需要例行回访的活跃客户：A 类每 {A} 天，B 类每 {B} 天，C 类每 {C} 天，"
        "D 类每 {D} 天，从最近一次联系上的回访（或登记日期）起算。",
        "revisits.unreachable": "联系不上",
        "revisits.click_to_record": "点击一行即可登记回访。",
        "revisits.recorded_hint": "点击一行可打开对应的投诉（或客户）。",
        "revisits.back": "回访任务",
        "revisits.record_followup": "投诉 {record_id} 的回访",
        "revisits.record_routine": "客户回访",
        "revisits.not_resolved": "这条投诉的状态是“{status}”，不是“已解决”：回访会被登记，但不会结案或重新处理。",
        "revisits.attempts_so_far": "目前未联系上 {attempts} 次（最多 {max} 次）。",
        "revisits.attempt_note": "这是第 {attempt} 次联系。",
        "revisits.unreached_note": "如果没有联系上客户，只保留回访方式和时间。",
        "revisits.staff_note": "回访人记为您（{name}）。",
        "revisits.submit": "登记回访",
        "revisits.saved": "回访 {record_id} 已登记（第 {attempt} 次联系）。",
        "revisits.effect.closed": "投诉 {record_id} 已结案：客户表示问题已解决。",
        "revisits.effect.reopened": "投诉 {record_id} 已重新处理，并上报到{level}：客户不满意。",
        "revisits.effect.unreachable": "投诉 {record_id}：{attempts} 次回访均未联系上客户。主管现在可以填写原因后结案。",
        # timelines and the progress log (utils/timeline.py)
        "timeline.col.at": "时间",
        "timeline.col.event": "事项",
        "timeline.col.record": "编号",
        "timeline.col.status": "当前状态",
        "timeline.col.by": "经手人",
        "timeline.col.detail": "详情",
        "timeline.event.received": "受理投诉",
        "timeline.event.resolved": "投诉已解决",
        "timeline.event.closed": "投诉结案",
        "timeline.event.complaint_followup": "投诉回访",
        "timeline.event.routine": "例行回访",
        "timeline.event.key_client": "重点客户回访",
        "timeline.reached": "已联系上",
        "timeline.unreached": "未联系上",
        "timeline.solved": "已解决",
        "timeline.not_solved": "未解决",
        "log.action.receive": "受理",
        "log.action.assign": "指定经办人",
        "log.action.escalate": "上报",
        "log.action.progress": "处理进展",
        "log.action.resolve": "解决",
        "log.action.feedback": "已反馈客户",
        "log.action.close": "结案",
        "log.action.reopen": "重新处理",
        "log.action.unreachable": "联系不上客户",
        "log.action.revisit": "回访",
        "list.all": "全部",
        "clients.last_reached": "最近一次联系上客户的回访：{date}。",
        "clients.never_reached": "还没有联系上该客户的回访。",
        "clients.phone_known": "该电话已在客户档案中（见下方）。",
        "complaints.edit_details": "修改投诉信息",
        "complaints.edit_note": "修改严重程度会重新计算处理时限。修改会记入处理记录。",
        "complaints.saved": "投诉 {record_id} 已保存。",
        "log.action.edit": "修改信息",
    }
)  # end pages

# --- dashboard ---
MESSAGES.update(
    {
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
        "dash.page.title": "管理看板",
        "dash.page.intro": "按所选期间和筛选条件，一览投诉、回访和客户情况。变化与上一个等长期间对比。",
        "dash.page.managers_only": "{name}，您好：看板仅供主管查看。您自己的投诉和回访在“投诉”和“回访”"
        "页面；如需这些数字，请联系主管。",
        "dash.page.empty": "还没有数据。可在首页载入演示数据，或在表格中填写。",
        "dash.tile.within_limit": "按时解决率",
        "dash.tile.median_days": "解决用时中位数",
        "dash.tile.p90_days": "90%分位用时",
        "dash.tile.completion": "投诉回访完成率",
        "dash.tile.per_100": "每百客户投诉",
        "dash.ctl.period": "期间",
        "dash.ctl.range": "起止日期",
        "dash.ctl.range_hint": "请选择开始和结束日期。",
        "dash.ctl.freq": "趋势图",
        "dash.ctl.all": "全部",
        "dash.ctl.clear": "清除筛选",
        "dash.ctl.split": "分组",
        "dash.ctl.live": "自动刷新",
        "dash.ctl.live_help": "开启时，数字每 {seconds} 秒从共享的表格读取结果自动刷新；关闭后画面保持不变。",
        "dash.status.live": "数据读取于 {read_at} · 统计截至 {as_of} · 每 {seconds} 秒刷新",
        "dash.status.paused": "数据读取于 {read_at} · 统计截至 {as_of} · 已暂停自动刷新",
        "dash.status.period": "**{period}**（{start} – {end}），对比 {prev_start} – {prev_end}",
        "dash.status.filtered": "筛选：{filters}",
        "dash.tab.complaints": "投诉",
        "dash.tab.open": "未解决与超时",
        "dash.tab.revisits": "回访",
        "dash.tab.clients": "客户",
        "dash.tab.staff": "员工与每月之星",
        "dash.tab.downloads": "下载与报告",
        "dash.list.client": "客户",
        "dash.list.none_overdue": "没有超时的投诉。",
        "dash.list.first": "显示超时最久的 {shown} 条，共 {n} 条；下载文件中包含全部。",
        "dash.star.none": "{month} 暂无每月之星：还没有员工有 {n} 次联系上客户并评分的回访。",
        "dash.star.line": "{month} 每月之星：**{name}**，回访平均评分 {score}，联系上客户的回访 "
        "{reached} 次（至少需要 {n} 次）。",
        "dash.dl.data": "筛选后的数据",
        "dash.dl.note": "期间内受理的投诉、期间内完成的回访，以及所选等级的客户，均已按筛选条件过滤。"
        "表头和选项使用页面语言。",
        "dash.dl.csv": "{table} · CSV（{rows} 行）",
        "dash.dl.xlsx": "三张表 · Excel",
        "dash.dl.report": "月度报告",
        "dash.dl.report_note": "一个 HTML 文件，包含当月指标、图表和清单：可离线打开，也可打印成 PDF。"
        "使用上方的筛选条件。点击时生成（需几秒钟）。",
        "dash.dl.month": "月份",
        "dash.dl.report_button": "{month} 报告 · HTML",
        "dash.top.cause_count": "该原因次数",
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
    }
)  # end dashboard

# --- gsheets ---
MESSAGES.update(
    {
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
    }
)  # end gsheets

# --- 提醒：发送渠道（utils/notify） ---
MESSAGES.update(
    {
        "notify.error": "通过 {channel} 发送时出现意外错误（{detail}）。",
        "notify.rejected": "{channel} 拒绝了这条提醒（{detail}）。重发也无济于事，请检查该渠道的设置（webhook 地址、key、加签密钥、密码）。",
        "notify.unavailable": "暂时无法连接 {channel}（{detail}）。这条提醒可以稍后重发。",
        "notify.rate_limited": "{channel} 收到的提醒太频繁（{detail}）。这条提醒先等待，稍后可以重发。",
        "notify.result.sent": "已通过 {channel} 发送。",
        "notify.result.no_recipients": "{channel}：这条提醒没有收件人（没有邮箱地址），因此未发送。",
        "notify.result.deferred": "{channel}：最近一分钟内的提醒太多，这条大约 {seconds} 秒后可以发送。",
        "notify.config.not_a_table": "提醒设置：`{key}` 应当是一组设置（表），或多组设置的列表。",
        "notify.config.unknown_key": "提醒设置：Sheetdesk 不认识 `{key}` 这项设置，请检查拼写；这里可用的有：{known}。",
        "notify.config.missing": "提醒设置：缺少 `{key}`，请填写。",
        "notify.config.bad_url": "提醒设置：`{key}` 不是 {service} 的 webhook 地址。请从机器人设置中重新复制，格式应类似 {example}",
        "notify.config.insecure_url": "提醒设置：`{key}` 必须以 https:// 开头，以免其中的 key 以明文发送。",
        "notify.config.bad_value": "提醒设置：`{key}` 的值无效，应为：{detail}。",
        "notify.config.insecure_login": '提醒设置：`{key}`：密码只能通过加密连接发送。请把 security 设为 "starttls" 或 "ssl"，或使用本机上的中继服务器。',
        "notify.config.duplicate_name": "提醒设置：有两个渠道都叫“{name}”，请为其中一个设置不同的 `name`。",
        "notify.config.unknown_person": "提醒设置：`people` 中没有“{name}”，因此无法 @ 或发邮件给此人。请在那里添加。",
    }
)  # end notify

# --- working-day calendar (utils/workdays.py, `python -m utils.cli calendar`) ---
MESSAGES.update(
    {
        "calendar.unknown_year": (
            "节假日日历还没有 {years} 年的官方放假安排：这些年份的节假日只是推算，且不含调休上班日。"
            "安排公布后，请更新 holidays 软件包，或在设置中补充休息日（holidays）和调休上班日"
            "（working_days）。"
        ),
        "calendar.unknown_choice": (
            "未知的工作日日历“{value}”：请使用 CN（中国）、none（仅周末休息），或 holidays "
            "软件包支持的国家/地区代码，如 HK、TW、SG、US。"
        ),
        "calendar.label.cn": "中国（CN）",
        "calendar.label.none": "仅周末休息",
        "calendar.label.country": "{code} 的公众假日",
        "calendar.day_off": "休息",
        "calendar.working_day": "上班",
        "calendar.source.package": "节假日日历",
        "calendar.source.team": "团队设置",
        "calendar.makeup_day": "调休上班",
        "calendar.team_working_day": "团队上班日",
        "calendar.team_day_off": "团队休息日",
        "calendar.weekend": "周末",
        "calendar.weekdays": "周一,周二,周三,周四,周五,周六,周日",
        "cli.calendar_header": "{year} 年，{calendar}：工作日休息 {off} 天，周末上班 {working} 天。",
        "cli.calendar_line": "{date} {weekday}  {status}  {name}  [{source}]",
    }
)  # end calendar

# --- damaged or hostile workbooks (utils/store/xlsx_read.py, utils/cli/ check) ---
MESSAGES.update(
    {
        "problem.far_cell": (
            "“{sheet}”工作表的单元格 {ref} 中有“{value}”，但它在表格范围（A–{last_column} 列，"
            "第 1–{last_row} 行）之外，已被忽略。如果是误输入，请选中该单元格并按 Delete 删除"
            "（在 Excel 中按 Ctrl+End 可跳到最后一个单元格）：离表格这么远的内容还会让工作簿读取变慢。"
        ),
        "problem.far_cells_more": "“{sheet}”工作表中另有 {count} 个表格范围外的单元格也被忽略。",
        "store.workbook_empty": (
            "{path} 是空文件（0 字节），不是工作簿，可能是复制或保存时失败了。请从备份恢复，"
            "或把它移走以便新建。"
        ),
        "store.workbook_not_xlsx": (
            "{path} 不是 .xlsx 工作簿（可能是旧的 .xls 文件、CSV 或改了扩展名的其他文件）。"
            "请用 Excel 或 WPS 打开并另存为“Excel 工作簿（.xlsx）”，或让 SHEETDESK_WORKBOOK 指向正确的文件。"
        ),
        "store.workbook_damaged": (
            "{path} 已损坏（{detail}）：可能是复制或下载没有完成而被截断，或在磁盘上损坏。"
            "请从备份恢复，或用 Excel 或 WPS 打开（它们通常能修复）后重新保存。"
        ),
        "store.workbook_part_missing": (
            "{path} 已损坏：工作表“{sheet}”在目录中，但它的单元格数据（{part}）不在文件里。"
            "请从备份恢复，或用 Excel 或 WPS 打开修复。"
        ),
        "store.workbook_bad_xml": (
            "{path} 已损坏：无法读取工作表“{sheet}”（{detail}）。请从备份恢复，"
            "或用 Excel 或 WPS 打开修复后重新保存。"
        ),
        "store.workbook_too_big": (
            "{path} 太大，Sheetdesk 无法处理：工作表“{sheet}”有 {size}。请把旧记录移到另一个工作簿，"
            "或删除表格下方或右侧很远处输入的内容。"
        ),
        "store.workbook_unreadable": (
            "无法读取 {path}（{detail}）。请检查文件是否存在、本程序是否有权限读取。"
        ),
        "cli.workbook_missing": (
            "{path} 处没有工作簿。请检查路径，或用 `python -m utils.cli init --workbook {path}` 新建。"
        ),
    }
)  # end damaged workbooks

# --- reminders (utils/reminders, python -m utils.cli remind) ---
MESSAGES.update(
    {
        "reminders.config.not_a_table": "提醒设置：`{key}` 应为一个设置表。",
        "reminders.config.unknown_key": "提醒设置：Sheetdesk 不认识 `{key}`。请检查拼写；此处可用：{known}。",
        "reminders.config.not_positive": "提醒设置：`{key}` 应为大于 0 的小时数。",
        "reminders.config.not_hour": "提醒设置：`{key}` 应为一天中的钟点，0 到 23。",
        "reminders.config.not_flag": "提醒设置：`{key}` 应为 true 或 false。",
        "reminders.config.not_names": '提醒设置：`{key}` 应为姓名列表，例如 ["周主任", "吴经理"]。',
        "reminders.config.bad_url": "提醒设置：`{key}` 应为本系统的网址，以 https://（或 http://）开头，例如 https://desk.example.cn。",
        "reminders.config.bad_settings": "无法读取 [sheetdesk] 设置（{detail}）：请检查处理时限、回访周期、节假日和日历。",
        "reminders.config.no_secrets": "{path} 处没有设置文件。请按 docs/reminders.md 新建，或用 --secrets 指定另一个文件。",
        "reminders.config.bad_secrets": "无法读取设置文件 {path} {detail}。请用文本编辑器修正：它必须是有效的 TOML。",
        "reminders.config.no_channels": "尚未配置任何提醒渠道：请在 {path} 的 [sheetdesk.notify] 下添加（见 docs/reminders.md）。不配置渠道时可用 `--dry-run` 查看将发送的内容。",
        "reminders.span.hours": "{n} 个工作小时",
        "reminders.span.days": "{n} 个工作日",
        "reminders.client": "{name}（{phone}）",
        "reminders.reason.assigned": "新指派给你",
        "reminders.reason.assigned_by": "{by} 指派给你",
        "reminders.reason.due_soon": "还剩 {hours} 个工作小时到期（{due}）",
        "reminders.reason.overdue": "已逾期 {span}（时限 {due}）",
        "reminders.reason.not_started": "受理已 {days} 个工作日，仍未开始处理",
        "reminders.reason.escalate": "已逾期 {span}（时限 {due}），经办人 {owner}，当前层级 {level}，请{target}督办",
        "reminders.reason.escalated": "已逾期 {span}（时限 {due}），经办人 {owner}，系统已自动由{level}升级至{target}",
        "reminders.reason_sep": "；",
        "reminders.case_line": "{head} {client}：{reasons}",
        "reminders.case_line_bare": "{head}：{reasons}",
        "reminders.title.cases": "{names}：{n} 件投诉需要你跟进",
        "reminders.title.escalate": "{names}：{n} 件逾期投诉需要上级督办",
        "reminders.title.part": "（{part}/{parts}）",
        "reminders.title.revisits": "{name}：今日回访，投诉回访 {followups} 件，本周例行回访 {routine} 位",
        "reminders.revisits.followups": "待做的投诉回访：{n} 件",
        "reminders.revisits.followup_line": "- {id} {client}：第 {attempt} 次联系",
        "reminders.revisits.more": "- ……另有 {n} 条",
        "reminders.revisits.routine": "{week_end} 前到期的例行回访：{n} 位（已逾期 {late} 位）",
        "reminders.revisits.routine_line": "- {client}：{due} 到期",
        "reminders.revisits.routine_late": "- {client}：{due} 到期，已逾期",
        "reminders.title.manager": "客服日报 {date}",
        "reminders.manager.body": "自 {since} 起：新投诉 {new} 件，已解决 {resolved} 件，重新打开 {reopened} 件\n当前逾期：{overdue} 件（未结共 {open} 件）\n回访：完成 {revisits} 次，联系上 {reached} 次，满意率 {satisfied}，平均 {score} 分",
        "reminders.log.auto_escalate": "逾期超过 {hours} 个工作小时（时限 {due}），系统自动上报",
        "reminders.kind.assigned": "新指派",
        "reminders.kind.due_soon": "即将到期",
        "reminders.kind.overdue": "逾期",
        "reminders.kind.not_started": "未开始处理",
        "reminders.kind.escalate": "上报上级",
        "reminders.kind.revisits": "回访汇总",
        "reminders.kind.manager": "管理日报",
        "reminders.list_sep": "，",
        "reminders.run.busy": "另一次提醒运行正在进行（{folder}），本次退出，未发送任何内容。",
        "reminders.run.nothing": "没有需要发送的提醒。",
        "reminders.run.done": "共 {reminders} 条提醒，{messages} 条消息：",
        "reminders.run.would": "试运行：将以 {messages} 条消息发送 {reminders} 条提醒。未发送，也未记录。",
        "reminders.run.kind_count": "{kind} {n}",
        "reminders.run.status.sent": "已发送 {n}",
        "reminders.run.status.failed": "失败 {n}",
        "reminders.run.status.deferred": "推迟 {n}",
        "reminders.run.status.skipped": "无收件人 {n}",
        "reminders.run.deferred": "{n} 条消息因渠道限速而推迟，下次运行时发送。",
        "reminders.run.failed": "{n} 次发送失败，下次运行时会重试。",
        "reminders.run.escalated": "已自动升级：{ids}",
        "reminders.run.would_escalate": "将自动升级：{ids}",
        "reminders.run.conflicts": "有人刚处理过，本次未升级：{ids}",
        "reminders.run.escalation_error": "{id} 无法升级（{detail}），仍已通知上级。",
        "reminders.run.unknown_people": "不在人员名单中（无法 @ 或发邮件）：{names}。请在 [sheetdesk.notify.people] 下添加。",
        "reminders.run.bad_lines": "发送记录中有 {n} 行无法读取，已忽略。",
        "reminders.run.preview_head": "→ {to} [{channels}]",
        "cli.remind_workbook_missing": "{path} 处没有工作簿，没有可提醒的内容。请检查路径或 SHEETDESK_WORKBOOK。",
    }
)  # end reminders


# --- the seeds' duties without loopholes (docs/policies.md) ---
MESSAGES.update(
    {
        "workflow.attempts_exhausted": (
            "投诉 {complaint_id} 解决后已回访 {max} 次均未联系上客户，已达一轮回访的上限："
            "不再登记未联系上的回访。主管现在可以填写原因后结案；联系上客户的回访仍可登记。"
        ),
        "workflow.close_needs_independent": (
            "联系上客户的回访是由该投诉的经办人（{handler}）或首问责任人（{first_receiver}）"
            "做的，不能作为结案依据。请由其他同事回访客户并登记后再结案。"
        ),
        "workflow.handover_manager_only": "只有主管可以移交员工的客户和投诉；{name} 不是主管。",
        "workflow.handover_need_names": "请选择离岗人员和接手人员。",
        "workflow.handover_same": "{name} 不能移交给自己，请选择其他人。",
        "workflow.not_started": "未开始处理",
        "workflow.key_client": "重点客户",
        "complaints.col.key_client": "重点客户",
        "revisits.effect.not_independent": (
            "回访已保存。投诉 {record_id} 仍未结案：经办人或首问责任人本人的回访不能结案，"
            "需由其他同事回访客户。"
        ),
        "problem.level_skipped": (
            "{column_ref}：处理记录中投诉从“{from_zh}”直接升级到“{to_zh}”，跳过了一级。"
            "投诉应逐级上报：请核对处理层级，如确实经过了中间一级，请在处理记录中补上这一步。"
        ),
        "problem.level_unexplained": (
            "{column_ref}为“{level_zh}”，但处理记录中没有升级到“{level_zh}”的记录（谁、何时、"
            "为什么）。请在系统中升级，或在处理记录中补一行，例如"
            "“2026-11-23 10:05 王芳 升级→{level_zh}：原因”。"
        ),
        "dash.kpi.not_started": "未开始处理",
        "dash.help.not_started": "受理满一个工作日仍为“已受理”的投诉：还没有人开始处理（按当前状态统计）。",
        "dash.list.not_started": "受理一个工作日后仍未开始处理（截至 {when}）",
        "dash.list.none_not_started": "所有投诉都在一个工作日内开始处理。",
        "report.col.waiting_days": "已等待工作日",
        "dash.staff.scored": "所服务客户的评分回访",
        "dash.staff.complaints_about": "被投诉次数",
        "dash.staff.verified": "查证属实",
        "dash.star.line_served": (
            "{month} 每月之星：**{name}**，其服务的客户和投诉的回访平均评分 {score}，"
            "评分回访 {scored} 次（至少需要 {n} 次）。"
        ),
        "dash.star.joint": "{month} 并列每月之星：**{names}**，回访平均评分 {score}，"
        "各有评分回访 {scored} 次（至少需要 {n} 次）。",
        "dash.star.verified_note": "本月查证属实的被投诉：{verified} 次。",
        "dash.star.served_note": "评分计入服务该客户的员工（投诉的经办人，没有经办人时为客服负责人），而不是打回访电话的人。",
        "dash.handover.title": "员工离岗：移交其客户和投诉",
        "dash.handover.note": "其负责的全部客户和未解决的投诉一次性移交给接手人员，每条投诉的处理记录中都会记一笔。",
        "dash.handover.from": "离岗人员",
        "dash.handover.to": "接手人员",
        "dash.handover.button": "移交",
        "dash.handover.done": "{from_name} → {to_name}：已移交 {clients} 个客户、{complaints} 条未解决投诉。",
        "dash.handover.conflict.about": "{record_id}：该投诉的被投诉人是 {to_name}，不能由其处理，请另行指派。",
        "dash.handover.conflict.changed": "{record_id}：期间已被他人修改，请打开后手动指派。",
        "dash.dl.week": "周",
        "dash.dl.week_title": "每周投诉记录表",
        "dash.dl.week_note": "该周受理的每条投诉及其处理时限、处理经过和结果（周一交接用的《客户投诉记录表》），CSV 格式。",
        "dash.dl.week_button": "{week} 投诉记录表 · CSV",
        "report.h.month_complaints": "本月投诉及处理结果",
        "report.h.suggestions": "回访中的客户意见建议",
        "report.h.about_staff": "员工被投诉情况",
        "report.feedback_line": (
            "反馈客户及时率（解决后一个工作日内告知客户）：{share}"
            "（本月解决 {resolved} 条，其中及时 {timely} 条）。"
        ),
        "report.col.person": "员工",
        "report.col.complaints": "被投诉次数",
        "report.col.verified": "查证属实",
        "report.col.served_by": "服务人员",
        "report.star_served": "其服务的客户和投诉的回访平均评分 {score}，评分回访 {n} 次（至少需要 {min} 次）。",
        "report.joint_stars": "并列每月之星",
        "cli.week_done": "{week} 投诉记录表已写入 {path}（{rows} 条投诉）",
    }
)  # end the seeds' duties

# --- my work: where staff land (pages/my_work.py, utils/my_work.py) ---
MESSAGES.update(
    {
        "nav.my_work": "我的工作",
        "my_work.title": "我的工作",
        "my_work.intro": "{name}，截至 {time}，以下是等你处理的工作。",
        "my_work.empty": "还没有数据。管理员可以在首页载入演示数据。",
        "my_work.all_clear": "你首问或经办的投诉中，没有超时、今日到期或未启动的。",
        "my_work.overdue": "已超时",
        "my_work.overdue.hint": "你首问或经办、已超过处理时限的未结投诉：请优先处理。",
        "my_work.overdue.none": "没有超时的投诉。",
        "my_work.due_today": "今日到期",
        "my_work.due_today.hint": "你首问或经办、今天下班前到期的未结投诉。",
        "my_work.due_today.none": "今天没有到期的投诉。",
        "my_work.not_started": "未启动",
        "my_work.not_started.hint": "受理超过一个工作日仍未开始处理（应在一个工作日内展开调查）。",
        "my_work.not_started.none": "没有待启动的投诉。",
        "my_work.followups": "待回访投诉",
        "my_work.followups.hint": "已解决、尚未回访到客户的投诉。点击一行登记回访。",
        "my_work.followups.none": "没有等你回访的投诉。",
        "my_work.routine": "到期回访",
        "my_work.routine.hint": "你负责的客户中已到期或逾期的回访。点击一行登记回访。",
        "my_work.routine.none": "你负责的客户暂无到期回访。",
        "my_work.recent": "我的客户近期投诉",
        "my_work.recent.hint": "你负责的客户最近 {days} 天内的投诉（不论由谁登记）。",
        "my_work.recent.none": "你负责的客户最近 {days} 天没有投诉。",
        "demo.cannot_remove": "暂时无法由本程序从 {source} 中删除演示数据：当前存储不支持删除行。未删除任何内容。",
    }
)  # end my work

# --- change history and settings tab (utils/history.py, utils/settings_sheet.py) ---
MESSAGES.update(
    {
        "tab.changes": "变更记录",
        "tab.settings": "设置",
        "problem.deleted_by_hand": "{label} {value} 已不在表格中：Sheetdesk 最后一次保存它是在 {at}（{by}）。它可能被人手工删除了。如果是误删，请把该行恢复回来（可从备份恢复；它的修改都在“变更记录”表中）；如果是有意删除，可忽略此提醒。",
        "problem.deleted_more": "此表另有 {count} 条 Sheetdesk 保存过的记录也已不在表格中（见“变更记录”表）。",
        "problem.bad_setting.int": "{column_ref}：“{value}”不是 {lo} 到 {hi} 之间的整数，而设置项“{setting}”需要这样的值。改正之前使用默认值（{default}）。",
        "problem.bad_setting.number": "{column_ref}：“{value}”不是 {lo} 到 {hi} 之间的数字，而设置项“{setting}”需要这样的值。改正之前使用默认值（{default}）。",
        "problem.bad_setting.dates": "{column_ref}：“{value}”不是设置项“{setting}”需要的日期列表（如 2026-10-08, 2026-10-09）。改正之前使用默认值（{default}）。",
        "problem.bad_setting.calendar": "{column_ref}：“{value}”不是设置项“{setting}”可用的节假日日历：请填 CN、none 或 HK、SG 等国家/地区代码。改正之前使用默认值（{default}）。",
        "problem.bad_setting.language": "{column_ref}：“{value}”不是设置项“{setting}”可用的语言：请填 zh 或 en。改正之前使用默认值。",
        "problem.bad_setting.flag": "{column_ref}：“{value}”不是“是”或“否”，而设置项“{setting}”需要这样的值。改正之前使用默认值（{default}）。",
        "problem.bad_setting.names": "{column_ref}：无法把“{value}”读成设置项“{setting}”的人员名单。",
        "problem.unknown_setting": "{column_ref}：“{value}”不是 Sheetdesk 认识的设置项，此行被忽略。请检查拼写（例如 time_limit.normal、cadence.A、holidays）。",
        "problem.secret_setting": "{column_ref}：“{value}”不能在表格中设置：账号、角色和密钥只在应用的 secrets 配置中设置。此行被忽略；请删除它（如果在这里填过密码或密钥，请更换）。",
        "problem.setting_twice": "{column_ref}：设置项“{setting}”已在第 {first} 行填写；使用那一行的值，此行被忽略。",
        "history.title": "变更记录",
        "history.none": "尚无在 Sheetdesk 中保存的变更。",
        "history.col.at": "时间",
        "history.col.by": "操作人",
        "history.col.kind": "操作",
        "history.col.field": "字段",
        "history.col.old": "原值",
        "history.col.new": "新值",
        "history.col.note": "说明",
        "history.hand_edits_note": "这里只列出在 Sheetdesk 中保存的修改；直接在表格里手工修改的内容不在其中。",
        "history.note.appended": "新增记录行",
        "history.note.bulk": "{user} 一次导入 {count} 条记录",
        "history.note.export": "{what}：{rows:,} 行",
        "settings.default_note": "{label}。留空：使用默认值（{default}）。",
        "settings.none": "无",
        "settings.source.default": "默认值",
        "settings.source.sheet": "设置表",
        "settings.source.secrets": "secrets 配置（优先于设置表）",
        "settings.source.environment": "环境变量（优先于设置表）",
        "settings.admin_only": "只有管理员可以修改设置；{name} 当前的角色是 {role}。",
        "settings.unknown_key": "没有“{key}”这个设置项。",
        "settings.several_rows": "设置项“{key}”在设置表中有多行（第 {rows} 行）。请在表格中修改，或先把它的值合并到一行。",
        "settings.col.key": "设置项",
        "settings.col.label": "名称",
        "settings.col.value": "设置表中的值",
        "settings.col.effective": "生效值",
        "settings.col.source": "来源",
        "settings.col.default": "默认值",
        "settings.col.rows": "行号",
        "settings.col.problem": "问题",
    }
)  # end change history and settings tab

MESSAGES.update(
    {
        "cli.language.zh": "中文",
        "cli.language.en": "英文",
        "cli.translate_done": (
            "{path} 已改为{language}：修改了 {tabs} 个工作表名、{headers} 个表头单元格、"
            "{choices} 个选项单元格和 {logs} 条处理记录，其他内容未改动。"
        ),
        "cli.translate_nothing": "{path} 已经是{language}，没有任何改动。",
        "cli.translate_skipped": "未改动：{what}",
        "store.translate_missing": "{path} 处没有可转换的工作簿。请检查路径（--workbook）。",
        "store.translate_busy": (
            "{path} 暂时无法转换：{reason}。请在 Excel、WPS 或 LibreOffice 中关闭它"
            "（或等应用的保存写完），然后重新运行命令。"
        ),
        "store.translate_unsupported": "Sheetdesk 无法转换 {source}。",
    }
)  # end sheet language
