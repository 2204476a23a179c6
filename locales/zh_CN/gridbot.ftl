## 网格通 Gridbot — 简体中文（默认）

# 工单卡片
card-title = { $urgent ->
    [yes] 🔴【紧急】报事 { $number } · { $category }
   *[no] 📋 报事 { $number } · { $category }
}
card-text = “{ $text }”
card-reporter = 报事人：{ $name } · { $time }
card-status = 状态：{ $status }
card-holder = 经办：{ $name }
card-department = 已转派：{ $department }
card-promise = 网格员 { $worker } 将于 { $within }到场。办结后请您评价。
promise-within-hours = { $hours } 小时内
promise-within-minutes = { $minutes } 分钟内
promise-by = { $time } 前
card-followers = 另有 { $count } 人反映此事
card-duplicate-of = 与 { $number } 是同一件事，已并入 { $number } 办理。
card-awaiting-rating = 已办结，等待报事人评价。
card-reject-reason = 不予受理理由：{ $reason }
card-rating = 评价：{ $level }

# 状态
status-new = 已受理
status-taken = 已接单
status-on_site = 已到场
status-resolved = 已办结
status-rated = 已评价
status-closed = 已关闭
status-rejected = 不予受理
status-duplicate = 重复报事
status-reopened = 返工中
status-waiting = 待居民配合（计时暂停）

# 按钮
button-take = 接单
button-site = 到场
button-done = 办结
button-disp = 转派
button-rej = 不予受理
button-draft-yes = 登记
button-draft-no = 不用
button-skip = 跳过
button-next = 下一步
button-submit = 提交
button-cancel = 取消

# 按钮回应
answer-take = 已接单 { $number }，请尽快到场。
answer-site = 已记录到场 { $number }。
answer-see-private = 请在与机器人的私聊中继续。
answer-see-below = 请在群里回复。
answer-dispatched = { $number } 已转派 { $department } · 联络员 { $name }

# 分类
category-gas = 燃气
category-heating = 供暖
category-drainage = 排水
category-manhole = 井盖
category-lighting = 市政设施·照明
category-sanitation = 环境卫生
category-noise = 噪声扰民
category-dispute = 矛盾纠纷
category-parking = 街面秩序
category-other = 其他
category-usage = 用法：/category 编号 类别。可选类别：{ $codes }
category-changed = { $number } 的类别已改为：{ $category }

# 评价
rating-4 = 优秀
rating-3 = 良好
rating-2 = 合格
rating-1 = 不合格
rate-ask = 您反映的问题 { $number }（“{ $text }”）已办结，请评价：
rate-thanks = 感谢您的评价：{ $level }
rate-recorded = { $number } 评价：{ $level }。谢谢！
rate-recorded-by-other = { $number } 已有反映人评价：{ $level }。谢谢您的关注！
rework-holder = 报事人对 { $number } 的评价为不合格，工单已退回给您返工。
rework-leader = 网格长请注意：{ $number } 评价不合格，已返工。

# 角色
role-resident = 居民
role-worker = 网格员
role-leader = 网格长
role-building_head = 楼栋长
role-liaison = 部门联络员
role-admin = 管理员
role-command = 指挥中心

# 报事
draft-prompt = { $name }，登记为报事？
draft-confirmed = 已登记为报事 { $number }。
draft-dismissed = 好的，不登记。
report-usage = 用法：/report 问题描述，例如：/report 3号楼楼道声控灯不亮
ticket-created-private = 您的报事已受理，编号 { $number }。
    接下来：网格员将于 { $within }到场处理；办结后我们会请您评价（优秀/良好/合格/不合格）。
    随时发送 /ticket { $number } 查看进度。

# 私聊引导报事
private-no-grid = 您还不属于任何网格。请在您所在网格的微信群/群聊里发言，或使用网格员给您的邀请链接。
private-pick-grid = 请选择要报事的网格：
private-pick-grid-first = 请先点选上面的网格。
private-describe = 请用一句话描述问题（在哪里、什么情况）：
private-photos = 可以发送现场照片（可多张）。发完或没有照片请点“下一步”。
private-photo-received = 已收到 { $count } 张照片。继续发送，或点“下一步”。
private-location = 可以发送位置（{ $platform ->
    [webchat] ⊕
   *[other] 📎
} → 位置），或点“跳过”。
private-summary = 请确认报事内容：
    网格：{ $grid }
    描述：{ $text }
    照片：{ $photos } 张
    位置：{ $location ->
        [yes] 已提供
       *[no] 未提供
    }

# 办结、不予受理、转派
resolve-ask = 请发送 { $number } 办结后的照片和处理说明，可以分几条发，发完点【完成】；没有照片请点【跳过】。
resolve-done = { $number } 已办结，已请报事人评价。
reject-ask = 请输入 { $number } 不予受理的理由：
reject-done = { $number } 已标记为不予受理。
reject-notice = 您的报事 { $number } 未予受理，理由：{ $reason }
dispatch-pick = 请选择 { $number } 转派的部门：
dispatch-liaison-intro = 网格吹哨，部门报到：{ $department } 请接单处置。

# 查询
ticket-usage = 用法：/ticket 编号，例如 /ticket G0102-0001
history-title = —— 处理记录 ——
history-line = { $time } { $actor }：{ $action } → { $status }{ $note }
history-note = （{ $note }）
actor-system = 系统
action-report = 报事
action-take = 接单
action-arrive = 到场
action-resolve = 办结
action-rate_pass = 评价
action-rate_fail = 评价不合格
action-close = 验收关闭
action-reject = 不予受理
action-mark_duplicate = 标记重复
action-dispatch = 转派
action-category = 修改类别
action-undeliverable = 私聊无法送达，已改在群里通知
action-return = 部门退回
action-pause = 暂停计时（待居民配合）
action-resume = 恢复计时
mytasks-empty = 您目前没有待办工单。
mytasks-title = 您的待办工单（{ $count } 件）：
mytasks-line = {" "}{ $number } { $status } “{ $text }” 期限 { $due }{ $overdue ->
    [yes] ⚠️已超时
   *[no] {""}
}
mention-prefix = @{ $name }{" "}

# 加入与绑定
start-welcome = 您好，{ $name }！我是网格通，社区网格的报事助手。
start-role-granted = 已确认：您是 { $area }（{ $code }）的{ $role }。
bind-usage = 用法：/bind 网格编号，例如 /bind G0102
bind-done = 本群已绑定网格：{ $name }（{ $code }）。居民在群里发照片或问题即可报事。
help-resident = 怎么报事：
    • 在网格群里直接发照片或文字说明问题，点“登记”即可；
    • 或发送 /report 问题描述；
    • 也可以私聊我，我一步步帮您登记。
    查进度：/ticket 编号
help-staff = 工作人员命令：
    /mytasks 我的待办
    /ticket 编号 查看进度和记录
    /category 编号 类别 修改类别
    /overdue 超时工单
    /escalate 编号 原因 上报上一级
    /pause 编号 原因、/resume 编号 暂停/恢复计时（待居民配合）
    /assign 编号 @名字 指派给网格员（网格长）
    /assist 编号 部门 增加协办部门
    /merge 重复编号 原编号 合并重复报事
    /bind 网格编号 绑定本群（管理员）
    /cancel 取消当前操作
    工单卡片上的按钮：接单、到场、办结、转派、不予受理。
cancel-done = 已取消。
cancel-nothing = 当前没有进行中的操作。

# 拒绝与错误（一句话说明，不出现技术细节）
error-not-staff = 只有本网格的网格员、网格长或指挥中心可以处理 { $number }。
error-already-taken = { $number } 已由 { $name } 接单。
error-ticket-closed = { $number } 已结束，不能再操作。
error-unknown-ticket = 没有找到编号为 { $number } 的报事。
error-not-member-of-grid = 您不是该网格的成员，无法查看。
error-not-reporter = 只有反映此事的居民可以评价 { $number }。
error-already-rated = { $number } 已评价过或尚未办结。
error-not-your-draft = 只有发这条消息的人可以确认登记。
error-draft-done = 这条消息已经处理过了。
error-stale-button = 这个按钮已失效，请重新操作。
error-illegal-transition = 当前状态下不能进行这个操作。
error-not-permitted = 您没有权限进行这个操作。
error-busy = 操作的人太多了，请稍后再试。
error-internal = 抱歉，系统出了点问题。您的消息已保存，工作人员会跟进。
error-group-not-bound = 本群还没有绑定网格，请管理员发送 /bind 网格编号。
error-invite-unknown = 邀请码无效，请向网格员或管理员核实。
error-invite-used = 这个邀请码已经用过了，请向管理员索取新的。
error-not-admin = 只有 { $code } 的管理员可以绑定本群。
error-unknown-area = 没有编号为 { $code } 的网格。
error-bind-grid-only = { $code } 不是网格，只能把群绑定到网格。
error-bind-in-group = 请在要绑定的群里发送 /bind。
error-no-departments = 还没有配置部门，无法转派。
error-no-liaison = { $department } 在本区域还没有联络员，无法转派。
error-unknown-category = 没有这个类别。可选：{ $codes }

# 命令菜单
command-report = 报事：/report 问题描述
command-ticket = 查进度：/ticket 编号
command-mytasks = 我的待办（工作人员）
command-help = 使用帮助
command-cancel = 取消当前操作
command-bind = 绑定本群到网格（管理员）
command-category = 修改工单类别（工作人员）
command-start = 开始 / 使用邀请码

# 本地网页群聊（webchat）
webchat-title = 网格通 · 本地群聊演示
webchat-bot-name = 网格通
webchat-bot-chat = 网格通（私聊）
webchat-error-unknown-identity = 没有这个身份，请重新选择。
webchat-error-not-in-chat = 您不在这个群里。
webchat-error-empty = 请输入文字，或选择照片、位置。
webchat-error-not-image = 只能发送图片（JPG、PNG 等）。
webchat-error-too-big = 图片太大了（最大 15 MB）。
webchat-error-not-demo = 只有演示模式可以快进时间。
webchat-error-bad-hours = 快进的时间不对。
webchat-error-bad-request = 请求的格式不对，请检查后再试。

# 本地网页群聊的页面文字（web/webchat/static）
webchat-chats = 消息
webchat-back = 返回
webchat-current-identity = 当前身份
webchat-switch-identity = 切换身份
webchat-pick-identity = 选择身份
webchat-pick-identity-hint = 这是本机演示：请选择您是谁。每个浏览器窗口可以是不同的人，例如一个窗口当居民，另一个窗口当网格员。
webchat-no-role = 暂无角色
webchat-list-hint = 在群里说出问题、拍张照片，网格通会帮您登记并跟进。
webchat-bot-tag = 机器人
webchat-input-placeholder = 发消息…
webchat-send = 发送
webchat-more = 更多功能
webchat-photo = 照片
webchat-location = 位置
webchat-location-title = 发送位置
webchat-location-custom = 或者输入坐标
webchat-latitude = 纬度
webchat-longitude = 经度
webchat-place-service-centre = 四海社区服务站
webchat-place-building-1 = 四海小区1号楼
webchat-place-building-2 = 四海小区2号楼
webchat-place-building-3 = 四海小区3号楼
webchat-place-building-4 = 四海小区4号楼
webchat-place-bungalows-east = 平房区东片
webchat-remove = 移除
webchat-cancel = 取消
webchat-ok = 确定
webchat-edited = 已更新
webchat-yesterday = 昨天
webchat-empty-chat = 还没有消息，说点什么吧
webchat-offline = 网络连接已断开，正在重新连接…
webchat-error-network = 网络不太好，请稍后再试。
webchat-error-bad-location = 坐标不对：纬度在 -90 到 90 之间，经度在 -180 到 180 之间。
webchat-clock-chip = 演示时间
webchat-clock-title = 演示时间（可快进）
webchat-clock-hour = 快进1小时
webchat-clock-day = 快进1天
webchat-clock-hint = 快进后，到期提醒、催办等定时任务会立即运行。
webchat-clock-advanced-hour = 已快进1小时
webchat-clock-advanced-day = 已快进1天
webchat-name-sep = ：
webchat-no-identities = 还没有可选的人。运行 gridbot demo 打开带演示数据的群聊，或用 gridbot org import 导入组织架构（人员的 platform 写 webchat）。

# 时限、督办、逐级上报
milestone-take = 接单
milestone-on_site = 到场
milestone-resolve = 办结
milestone-feedback = 反馈
milestone-accept = 验收
sla-yellow = ⏰ { $number } 的{ $milestone }时限快到了（{ $due }），请抓紧处理。
sla-red = 🔴 { $number } 已超过{ $milestone }时限（{ $due }），请立即处理。
sla-missed-reason = 超时未办结
supervision-yellow_card = 黄牌督办
supervision-red_card = 红牌督办
escalated = ⬆️ { $number } 已上报至 { $area }：{ $reason }{ $card ->
    [none] {""}
   *[other] {" "}{ $card }
}
tier-grid = 网格
tier-community = 社区
tier-street = 街道
tier-district = 区
nobody = 无人接单
overdue-title = 超时工单（{ $count } 件）：
overdue-line = • { $number } { $milestone }期限 { $due } · 经办：{ $holder } · 所在层级：{ $tier }
overdue-empty = 您负责的区域没有超时工单。
escalate-usage = 用法：/escalate 编号 原因，例如 /escalate G0102-0001 需要街道协调
escalate-done = { $number } 已上报至 { $area }。
pause-usage = 用法：/pause 编号 原因，例如 /pause G0102-0001 居民不在家，约明天上午
pause-done = { $number } 已暂停计时（待居民配合）。恢复请发送 /resume { $number }
resume-usage = 用法：/resume 编号
resume-done = { $number } 已恢复计时，新的期限：{ $due }
error-no-tier = 组织架构里没有上一级（{ $tier }），无法上报。
error-top-tier = { $number } 已在最高一级，不能再上报。
error-not-paused = { $number } 没有暂停计时。
command-overdue = 超时工单（工作人员）
command-escalate = 上报上一级：/escalate 编号 原因

# 日排查日报告、周调度周报告、月调度月报告（定时汇总）
digest-day-title = 📋 日报告 · { $area } · { $date }（截至 { $cut }）
digest-day-empty = 📋 日报告 · { $area } · { $date }：今日无新报事，无在办工单。
digest-day-flow = 新报事 { $new } 件，办结 { $closed } 件
digest-day-open = 在办 { $open } 件（超时 { $overdue } 件）
digest-day-holders = 经办人：
digest-day-holder = • { $name }：{ $numbers }
digest-unassigned = 待接单
digest-overdue-mark = ⚠️
digest-sep = 、
digest-more = 等 { $count } 件
digest-week-title = 📊 周调度周报告 · { $area } · { $first } 至 { $last }
digest-month-title = 📊 月调度月报告 · { $area } · { $year }年{ $month }月
digest-total-community = 全社区
digest-total-street = 全街道
digest-scope-line = { $scope }：{ $figures }
digest-headline = 受理 { $received } 件、办结 { $closed } 件、办结率 { $rate }
digest-details = 超时 { $overdue } 件 · 即知即办 { $spot } 件 · 评价 { $rating }
digest-rating = { $average } 分（{ $label }）
digest-rating-none = 暂无
digest-row-title = ▪ { $name }
digest-row-empty = ▪ { $name }：无报事

# 转派、退回、协办、指派（网格吹哨、部门报到；大事合办、难事协办）
dispatch-recommended = { $department } ✓推荐
dispatch-unavailable = 本区域暂无联络员：{ $departments }
dispatch-list-sep = 、
dispatch-card-line = 已转派 { $department } · 联络员 { $name }
dispatch-acknowledged = 已确认接单 { $number }，请按时到场。
dispatch-error-none-available = 本区域还没有任何部门的联络员，无法转派 { $number }。
return-button = 退回
return-ask = 请输入退回 { $number } 的理由（网格会看到）：
return-done = 已将 { $number } 退回网格。
return-notice = { $department } 退回了 { $number }，理由：{ $reason }。请网格重新处理。
return-card-reason = 部门退回：{ $reason }
return-error-not-holder = 只有接手 { $number } 的部门联络员可以退回。
assist-usage = 用法：/assist 编号 部门，例如 /assist G0102-0001 民政
assist-done = 已请 { $department }（联络员 { $name }）协办 { $number }。
assist-liaison-intro = 难事协办：请 { $department } 协助处置 { $number }，由牵头部门办结。随时发送 /ticket { $number } 查看进度。
assist-card-line = 协办：{ $departments }
assist-card-item = { $department } · 联络员 { $name }
assist-error-not-allowed = 只有本网格的工作人员或牵头部门的联络员可以为 { $number } 请协办部门。
assist-error-unknown-department = 没有这个部门。可选：{ $names }
assist-error-is-lead = { $department } 已是 { $number } 的牵头部门。
assist-error-already = { $department } 已在协办 { $number }。
assist-error-lead-closes = 只有牵头部门可以办结 { $number }。
assist-error-helper-only = 协办部门可以查看 { $number }，由牵头部门处置。
assign-usage = 用法：/assign 编号 @名字，例如 /assign G0102-0001 @杨超
assign-done = 已将 { $number } 交给 { $name } 办理。
assign-notice = { $by } 把 { $number } 交给您办理。
assign-removed = { $number } 已改由 { $name } 办理。
assign-error-not-supervisor = 只有网格长、社区管理员或指挥中心可以指派 { $number }。
assign-error-unknown = 本网格没有叫“{ $name }”的网格员。可选：{ $workers }
assign-error-ambiguous = 叫“{ $name }”的不止一人，请写全名。可选：{ $workers }
assign-error-already = { $number } 已由 { $name } 经办。
action-assign = 指派
action-assist = 请协办

# 重复报事（+1）、工作人员合并、紧急情况
category-emergency = 紧急情况
dup-offer = { $name }，和 { $number } 是同一件事吗？
    “{ $text }”（{ $time } 报事）
dup-button-same = 是，+1
dup-button-new = 不是
dup-followed = 已为您 +1：{ $number } 现在共有 { $count } 人反映，办理进展会同时通知您。
dup-already = 您已在跟进 { $number }（共 { $count } 人反映），办理进展会通知您。
dup-gone = { $old } 已经结束，已为您登记为新的报事 { $number }。
dup-not-yours = 只有报事人本人可以回答是不是同一件事。
merge-usage = 用法：/merge 重复的编号 保留的编号，例如 /merge G0102-0043 G0102-0042
merge-same = 不能把 { $number } 合并到它自己。
merge-not-new = { $number } 已经在处理（{ $status }），只有刚受理、还没人接手的报事才能标为重复。
merge-done = 已把 { $old } 标为重复，并入 { $number }（共 { $count } 人反映）。
merge-notice = 您反映的 { $old } 和 { $number } 是同一件事，已合并到 { $number }，办理进展会通知您。
emergency-alert = 🚨 紧急报事 { $number }，请立即处置！
emergency-maybe-same = 可能与 { $other } 是同一事件；如是，请发送 /merge { $number } { $other }
emergency-received = 🚨 已按紧急情况登记 { $number }，已通知网格员和指挥中心。
    如有危险，请先撤离并拨打 119（火警）、120（急救）或 110（报警）；闻到燃气味请勿开关电器、勿用明火，开窗通风。
command-assign = 指派工单：/assign 编号 @名字
command-assist = 增加协办部门：/assist 编号 部门
command-merge = 合并重复报事：/merge 重复编号 原编号

## issue 8: operator
error-invite-expired = 这个邀请码已过期，请向管理员索取新的。
error-invite-revoked = 这个邀请码已被管理员作废，请向管理员索取新的。
## issue 8: journeys-b
card-full-text = （内容较长，全文请发送 /ticket { $number }）
card-grid = 网格：{ $grid }
card-reporter-anonymous = 居民（匿名）
card-light-green = { $mark } { $milestone }时限：{ $due }
card-light-yellow = { $mark } { $milestone }时限快到了：{ $due }
card-light-red = { $mark } 已超过{ $milestone }时限（{ $due }），截至 { $now } 已超时 { $hours ->
        [0] {""}
       *[other] { $hours } 小时{" "}
    }{ $minutes } 分钟
card-tier = 督办：已上报至 { $area }{ $card ->
        [none] {""}
       *[other] {" "}· { $card }
    }
card-no-worker = 本网格暂无网格员，已告知 { $community }，将尽快安排人员处理。
grid-no-worker-notice = 📋 { $grid } 暂无网格员：新报事 { $number } 请社区安排人员处理。发送 /ticket { $number } 查看。
sla-missed-milestone = 超过{ $milestone }时限（{ $due }）
bind-usage-staff = 工作群：/bind 编号 staff，例如 /bind SIHAI staff（日报、督办、超时提醒只发到工作群，不发居民群）
bind-staff-done = 本群已绑定为 { $name }（{ $code }）的工作群：日报、超时提醒和督办通知会发到这里，居民群不会收到。
error-bind-staff-building = { $code } 是楼栋，工作群请绑定到网格、社区或街道。
ticket-full-text = 报事全文：
button-submit-named = 提交并在群里署名
private-anonymous-note = 群里只显示问题和楼栋，电话、门牌号会隐去，也不显示您的姓名；愿意署名请点“提交并在群里署名”。
## issue 8: journeys-a
button-finish = 完成
button-skip-photo = 跳过（无照片）
resolve-received = 已收到：照片 { $photos } 张，说明 { $notes } 条。可以继续发，发完点【完成】。
resolve-send-what = 请发送照片或文字说明，发完点【完成】。
resolve-timeout-done = 很久没有收到新内容，{ $number } 已按已收到的照片和说明办结，已请报事人评价。
resolve-timeout-empty = 没有收到照片或说明，{ $number } 的办结已取消，工单仍由您办理。
emergency-extras-ask = 如方便，可以继续发送现场照片、位置或补充说明，会直接加到 { $number }；发完点【完成】。
emergency-extras-added = 已补充到 { $number }。还有可以继续发，发完点【完成】。
emergency-extras-done = 好的，{ $number } 正在紧急处置中。
rate-evidence-note = 处理说明：{ $note }
rate-evidence-photos = 办结照片 { $count } 张（发送 /ticket { $number } 可查看处理记录）
rate-evidence-none = 经办人没有留下照片和说明。
rate-recorded-rework = { $number } 评价：{ $level }。已退回 { $name } 返工，新的办结期限 { $due }，办好后会再请您评价。
rate-rework-grid = 本网格网格员
history-note-accepted = 验收通过
webchat-demo-group-title = { $grid }居民群
webchat-error-too-long = 文字太长了：{ $count } 字，最多 { $limit } 字。请删减后再发送，已写的内容还在输入框里。
## issue 8: evidence
rate-evidence-caption = { $number } 办结后的现场照片
webchat-place-nanhu-service-centre = 南湖社区服务站
webchat-place-nanhu-building-1 = 南湖花园1号楼
webchat-place-nanhu-building-2 = 南湖花园2号楼
webchat-place-nanhu-park-gate = 南湖公园东门
## issue 9: faults
report-cap-reached = 您一小时内已经报了 { $cap } 件事，谢谢您这么上心！为了让网格员先把这些办好，请 { $again } 以后再报。紧急情况（燃气、着火、有人受伤）随时可以报，不受限制。
