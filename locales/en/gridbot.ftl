## Gridbot — English

# Ticket card
card-title = { $urgent ->
    [yes] 🔴 URGENT report { $number } · { $category }
   *[no] 📋 Report { $number } · { $category }
}
card-text = “{ $text }”
card-reporter = Reported by { $name } · { $time }
card-status = Status: { $status }
card-holder = Handled by: { $name }
card-department = Handed to: { $department }
card-promise = Grid worker { $worker } will be on site { $within }. You will be asked to rate the work.
promise-within-hours = within { $hours } { $hours ->
    [one] hour
   *[other] hours
}
promise-within-minutes = within { $minutes } minutes
promise-by = by { $time }
card-followers = { $count } more { $count ->
    [one] person has
   *[other] people have
} reported this
card-duplicate-of = The same matter as { $number }; merged into { $number }.
card-awaiting-rating = Resolved; waiting for the reporter's rating.
card-reject-reason = Not accepted because: { $reason }
card-rating = Rating: { $level }

# Statuses
status-new = Received
status-taken = Taken
status-on_site = On site
status-resolved = Resolved
status-rated = Rated
status-closed = Closed
status-rejected = Not accepted
status-duplicate = Duplicate
status-reopened = Reopened for rework
status-waiting = Waiting for the resident (clock paused)

# Buttons
button-take = Take
button-site = On site
button-done = Resolve
button-disp = Hand off
button-rej = Reject
button-draft-yes = Report it
button-draft-no = No thanks
button-skip = Skip
button-next = Next
button-submit = Submit
button-cancel = Cancel

# Button answers
answer-take = You took { $number }. Please get there soon.
answer-site = Arrival on site recorded for { $number }.
answer-see-private = Please continue in your private chat with the bot.
answer-see-below = Please reply in the group.
answer-dispatched = { $number } handed to { $department } · liaison { $name }

# Categories
category-gas = Gas
category-heating = Heating
category-drainage = Drainage
category-manhole = Manhole cover
category-lighting = Public lighting
category-sanitation = Sanitation
category-noise = Noise
category-dispute = Neighbour dispute
category-parking = Street order
category-other = Other
category-usage = Usage: /category NUMBER CATEGORY. Categories: { $codes }
category-changed = Category of { $number } changed to: { $category }

# Rating
rating-4 = Excellent
rating-3 = Good
rating-2 = Pass
rating-1 = Fail
rate-ask = The problem you reported, { $number } (“{ $text }”), is resolved. Please rate the work:
rate-thanks = Thank you for rating: { $level }
rate-recorded = { $number } rated: { $level }. Thank you!
rate-recorded-by-other = { $number } has been rated by another reporter: { $level }. Thank you for following it!
rework-holder = The reporter rated { $number } as Fail; it is back with you for rework.
rework-leader = Grid leader, note: { $number } was rated Fail and reopened.

# Roles
role-resident = resident
role-worker = grid worker
role-leader = grid leader
role-building_head = building head
role-liaison = department liaison
role-admin = admin
role-command = command centre

# Reports
draft-prompt = { $name }, file this as a report?
draft-confirmed = Filed as report { $number }.
draft-dismissed = OK, not filed.
report-usage = Usage: /report DESCRIPTION, for example: /report the stairwell light in building 3 is out
ticket-created-private = Your report is received as { $number }.
    Next: a grid worker will be on site { $within }; when it is resolved we will ask you to rate it (Excellent/Good/Pass/Fail).
    Send /ticket { $number } at any time to see its progress.

# Guided report in a private chat
private-no-grid = You do not belong to a grid yet. Write in your grid's group chat, or use the invite link your grid worker gave you.
private-pick-grid = Which grid is the problem in?
private-pick-grid-first = Please pick a grid above first.
private-describe = Please describe the problem in a sentence (where, what):
private-photos = You can send photos of the problem (several are fine). Press "Next" when done or if you have none.
private-photo-received = { $count } photo(s) received. Send more, or press "Next".
private-location = You can send a location ({ $platform ->
    [webchat] ⊕
   *[other] 📎
} → Location), or press "Skip".
private-summary = Please check your report:
    Grid: { $grid }
    Description: { $text }
    Photos: { $photos }
    Location: { $location ->
        [yes] given
       *[no] not given
    }

# Resolve, reject, hand off
resolve-ask = Please send the photos of { $number } after the fix and a note on what was done. You can send them as several messages; press [Done] when finished, or [Skip] if there is no photo.
resolve-done = { $number } is resolved; the reporter has been asked to rate it.
reject-ask = Please type why { $number } is not accepted:
reject-done = { $number } is marked as not accepted.
reject-notice = Your report { $number } was not accepted: { $reason }
dispatch-pick = Which department should { $number } go to?
dispatch-liaison-intro = The grid blew the whistle: { $department }, please take this ticket.

# Lookups
ticket-usage = Usage: /ticket NUMBER, for example /ticket G0102-0001
history-title = — History —
history-line = { $time } { $actor }: { $action } → { $status }{ $note }
history-note = { " " }({ $note })
actor-system = system
action-report = reported
action-take = took
action-arrive = arrived
action-resolve = resolved
action-rate_pass = rated
action-rate_fail = rated Fail
action-close = accepted and closed
action-reject = rejected
action-mark_duplicate = marked duplicate
action-dispatch = handed off
action-category = changed category
action-undeliverable = could not be reached privately; told in the group
action-return = returned by the department
action-pause = clock paused (waiting for the resident)
action-resume = clock resumed
mytasks-empty = You have no open tickets.
mytasks-title = Your open tickets ({ $count }):
mytasks-line = {" "}{ $number } { $status } “{ $text }” due { $due }{ $overdue ->
    [yes] {" "}⚠️ overdue
   *[no] {""}
}
mention-prefix = @{ $name }{" "}

# Joining and binding
start-welcome = Hello, { $name }! I am Gridbot, your community grid's reporting assistant.
start-role-granted = Confirmed: you are a { $role } of { $area } ({ $code }).
bind-usage = Usage: /bind GRID_CODE, for example /bind G0102
bind-done = This group is now bound to grid { $name } ({ $code }). Residents can report by sending a photo or a description here.
help-resident = How to report a problem:
    • In your grid's group, send a photo or a few words about the problem, then press "Report it";
    • or send /report DESCRIPTION;
    • or write to me privately and I will guide you step by step.
    Progress: /ticket NUMBER
help-staff = Staff commands:
    /mytasks my open tickets
    /ticket NUMBER progress and history
    /category NUMBER CATEGORY change the category
    /overdue overdue tickets
    /escalate NUMBER REASON escalate one level
    /pause NUMBER REASON, /resume NUMBER stop/restart the clock (waiting for the resident)
    /assign NUMBER @NAME assign to a grid worker (leaders)
    /assist NUMBER DEPARTMENT add a helper department
    /merge DUPLICATE ORIGINAL merge a duplicate report
    /bind GRID_CODE bind this group (admins)
    /cancel cancel what you are doing
    Buttons on a ticket card: Take, On site, Resolve, Hand off, Reject.
cancel-done = Cancelled.
cancel-nothing = Nothing to cancel.

# Refusals and errors (one clear sentence, never technical detail)
error-not-staff = Only this grid's workers, its leader or the command centre can act on { $number }.
error-already-taken = { $number } has already been taken by { $name }.
error-ticket-closed = { $number } is finished; no more actions are possible.
error-unknown-ticket = There is no report numbered { $number }.
error-not-member-of-grid = You are not a member of that grid, so you cannot see it.
error-not-reporter = Only the people who reported { $number } can rate it.
error-already-rated = { $number } is already rated or not resolved yet.
error-not-your-draft = Only the person who sent that message can file it.
error-draft-done = That message has already been dealt with.
error-stale-button = This button is no longer valid; please start again.
error-illegal-transition = That cannot be done in the ticket's current status.
error-not-permitted = You are not allowed to do that.
error-busy = Too many people acted at once; please try again.
error-internal = Sorry, something went wrong. Your message is saved and staff will follow up.
error-group-not-bound = This group is not bound to a grid yet; an admin should send /bind GRID_CODE.
error-invite-unknown = That invite code is not valid; please check with your grid worker or admin.
error-invite-used = That invite code has already been used; ask your admin for a new one.
error-not-admin = Only an admin of { $code } can bind this group.
error-unknown-area = There is no grid with code { $code }.
error-bind-grid-only = { $code } is not a grid; groups can only be bound to grids.
error-bind-in-group = Send /bind in the group you want to bind.
error-no-departments = No departments are set up yet, so the ticket cannot be handed off.
error-no-liaison = { $department } has no liaison for this area yet.
error-unknown-category = No such category. Choose from: { $codes }

# Command menu
command-report = Report a problem: /report DESCRIPTION
command-ticket = Progress: /ticket NUMBER
command-mytasks = My open tickets (staff)
command-help = Help
command-cancel = Cancel what you are doing
command-bind = Bind this group to a grid (admins)
command-category = Change a ticket's category (staff)
command-start = Start / use an invite code

# Local web group chat (webchat)
webchat-title = Gridbot · local group chat demo
webchat-bot-name = Gridbot
webchat-bot-chat = Gridbot (private)
webchat-error-unknown-identity = No such identity; please pick again.
webchat-error-not-in-chat = You are not in this chat.
webchat-error-empty = Type some text, or choose a photo or a location.
webchat-error-not-image = Only pictures (JPG, PNG …) can be sent.
webchat-error-too-big = That picture is too big (15 MB at most).
webchat-error-not-demo = Only the demo can fast-forward time.
webchat-error-bad-hours = That is not a valid fast-forward.
webchat-error-bad-request = That request was not understood; please check it and try again.

# The webchat page's own words (web/webchat/static)
webchat-chats = Chats
webchat-back = Back
webchat-current-identity = You are
webchat-switch-identity = Switch
webchat-pick-identity = Who are you?
webchat-pick-identity-hint = This is a local demo: pick who you are. Each browser window can be a different person — say, a resident in one and a grid worker in another.
webchat-no-role = No role yet
webchat-list-hint = Describe a problem in your group, add a photo, and Gridbot will log it and follow it up.
webchat-bot-tag = Bot
webchat-input-placeholder = Message…
webchat-send = Send
webchat-more = More
webchat-photo = Photo
webchat-location = Location
webchat-location-title = Send a location
webchat-location-custom = Or enter coordinates
webchat-latitude = Latitude
webchat-longitude = Longitude
webchat-place-service-centre = Sihai Community Service Centre
webchat-place-building-1 = Sihai Estate, Building 1
webchat-place-building-2 = Sihai Estate, Building 2
webchat-place-building-3 = Sihai Estate, Building 3
webchat-place-building-4 = Sihai Estate, Building 4
webchat-place-bungalows-east = Bungalows, east side
webchat-remove = Remove
webchat-cancel = Cancel
webchat-ok = OK
webchat-edited = updated
webchat-yesterday = Yesterday
webchat-empty-chat = No messages yet — say hello
webchat-offline = Connection lost, reconnecting…
webchat-error-network = The network is not answering; please try again shortly.
webchat-error-bad-location = Those coordinates are off: latitude is −90 to 90, longitude −180 to 180.
webchat-clock-chip = Demo time
webchat-clock-title = Demo time (fast-forward)
webchat-clock-hour = +1 hour
webchat-clock-day = +1 day
webchat-clock-hint = After a fast-forward, due reminders and other scheduled jobs run at once.
webchat-clock-advanced-hour = Moved forward 1 hour
webchat-clock-advanced-day = Moved forward 1 day
webchat-name-sep = { ": " }
webchat-no-identities = Nobody to pick yet. Run gridbot demo for the chat with demo people, or load your organisation with gridbot org import (people with platform: webchat).

# Deadlines, supervision, escalation
milestone-take = taking
milestone-on_site = on-site
milestone-resolve = resolution
milestone-feedback = feedback
milestone-accept = acceptance
sla-yellow = ⏰ The { $milestone } deadline of { $number } is close ({ $due }); please hurry.
sla-red = 🔴 { $number } has missed its { $milestone } deadline ({ $due }); please act now.
sla-missed-reason = deadline missed
supervision-yellow_card = yellow-card supervision
supervision-red_card = red-card supervision
escalated = ⬆️ { $number } escalated to { $area }: { $reason }{ $card ->
    [none] {""}
   *[other] {" "}({ $card })
}
tier-grid = grid
tier-community = community
tier-street = street
tier-district = district
nobody = nobody
overdue-title = Overdue tickets ({ $count }):
overdue-line = • { $number } { $milestone } due { $due } · held by { $holder } · at the { $tier } level
overdue-empty = No overdue tickets in your areas.
escalate-usage = Usage: /escalate NUMBER REASON, for example /escalate G0102-0001 needs the street office
escalate-done = { $number } escalated to { $area }.
pause-usage = Usage: /pause NUMBER REASON, for example /pause G0102-0001 resident away until tomorrow
pause-done = The clock of { $number } is paused (waiting for the resident). Send /resume { $number } to restart it.
resume-usage = Usage: /resume NUMBER
resume-done = The clock of { $number } runs again; new deadline: { $due }
error-no-tier = The org has no level above ({ $tier }); cannot escalate.
error-top-tier = { $number } is already at the top level.
error-not-paused = { $number } is not paused.
command-overdue = Overdue tickets (staff)
command-escalate = Escalate one level: /escalate NUMBER REASON

# Digests: the daily, weekly and monthly reports
digest-day-title = 📋 Daily report · { $area } · { $date } (to { $cut })
digest-day-empty = 📋 Daily report · { $area } · { $date }: no new reports today, nothing open.
digest-day-flow = New { $new }, closed { $closed }
digest-day-open = Open { $open } ({ $overdue } overdue)
digest-day-holders = Held by:
digest-day-holder = • { $name }: { $numbers }
digest-unassigned = not taken yet
digest-overdue-mark = ⚠️
digest-sep = {", "}
digest-more = {" "}… { $count } in all
digest-week-title = 📊 Weekly report · { $area } · { $first } to { $last }
digest-month-title = 📊 Monthly report · { $area } · { $month }/{ $year }
digest-total-community = Whole community
digest-total-street = Whole street
digest-scope-line = { $scope }: { $figures }
digest-headline = Received { $received }, closed { $closed }, closure rate { $rate }
digest-details = Overdue { $overdue } · on the spot { $spot } · rating { $rating }
digest-rating = { $average } ({ $label })
digest-rating-none = none yet
digest-row-title = ▪ { $name }
digest-row-empty = ▪ { $name }: no reports

# Hand-off, return, helping departments, assigning
dispatch-recommended = { $department } ✓ suggested
dispatch-unavailable = No liaison here yet: { $departments }
dispatch-list-sep = {", "}
dispatch-card-line = Handed to { $department } · liaison { $name }
dispatch-acknowledged = Confirmed: you have { $number }. Please get there on time.
dispatch-error-none-available = No department has a liaison for this area yet, so { $number } cannot be handed off.
return-button = Return
return-ask = Please type why you return { $number } (the grid will see it):
return-done = { $number } is returned to the grid.
return-notice = { $department } returned { $number }: { $reason }. Please pick it up again.
return-card-reason = Returned by the department: { $reason }
return-error-not-holder = Only the department liaison holding { $number } can return it.
assist-usage = Usage: /assist NUMBER DEPARTMENT, for example /assist G0102-0001 civil_affairs
assist-done = { $department } (liaison { $name }) now helps with { $number }.
assist-liaison-intro = Please help with { $number } for { $department }; the lead department closes it. Send /ticket { $number } at any time to follow it.
assist-card-line = Helping: { $departments }
assist-card-item = { $department } · liaison { $name }
assist-error-not-allowed = Only the grid's staff or the lead department's liaison can ask another department to help with { $number }.
assist-error-unknown-department = No such department. Departments: { $names }
assist-error-is-lead = { $department } already leads { $number }.
assist-error-already = { $department } already helps with { $number }.
assist-error-lead-closes = Only the lead department can resolve { $number }.
assist-error-helper-only = A helping department can follow { $number }; the lead department acts on it.
assign-usage = Usage: /assign NUMBER @NAME, for example /assign G0102-0001 @Yang
assign-done = { $number } is now with { $name }.
assign-notice = { $by } handed { $number } to you.
assign-removed = { $number } is now with { $name }.
assign-error-not-supervisor = Only the grid leader, the community admin or the command centre can assign { $number }.
assign-error-unknown = This grid has no worker called “{ $name }”. Workers: { $workers }
assign-error-ambiguous = More than one person is called “{ $name }”; please write the full name. Workers: { $workers }
assign-error-already = { $number } is already with { $name }.
action-assign = assigned
action-assist = asked for help

# Duplicate reports (+1), staff merges, emergencies
category-emergency = Emergency
dup-offer = { $name }, is this the same as { $number }?
    “{ $text }” (reported { $time })
dup-button-same = Yes, +1
dup-button-new = No
dup-followed = +1 recorded: { $count } people have now reported { $number }. You will hear how it goes.
dup-already = You already follow { $number } ({ $count ->
    [one] one person reported it
   *[other] { $count } people reported it
}). You will hear how it goes.
dup-gone = { $old } is already finished, so your report is filed as { $number }.
dup-not-yours = Only the person who reported this can answer.
merge-usage = Usage: /merge DUPLICATE KEPT, e.g. /merge G0102-0043 G0102-0042
merge-same = { $number } cannot be merged into itself.
merge-not-new = { $number } is already being handled ({ $status }); only a new report that nobody has taken can be marked a duplicate.
merge-done = { $old } is marked a duplicate of { $number } ({ $count } people reported it).
merge-notice = Your report { $old } is the same matter as { $number } and has been merged into it. You will hear how { $number } goes.
emergency-alert = 🚨 Emergency { $number }: act now!
emergency-maybe-same = It may be the same as { $other }; if so, send /merge { $number } { $other }
emergency-received = 🚨 Filed as an emergency: { $number }. The grid workers and the command centre have been alerted.
    If anyone is in danger, get away and call 119 (fire), 120 (ambulance) or 110 (police). If you smell gas, do not touch switches or use a flame; open the windows.
command-assign = Assign: /assign NUMBER @NAME
command-assist = Add a helper department: /assist NUMBER DEPARTMENT
command-merge = Merge a duplicate: /merge DUPLICATE ORIGINAL

## issue 8: operator
error-invite-expired = That invite code has expired; ask your admin for a new one.
error-invite-revoked = That invite code was withdrawn by an admin; ask your admin for a new one.
## issue 8: journeys-b
card-full-text = (Long report: send /ticket { $number } for the full text)
card-grid = Grid: { $grid }
card-reporter-anonymous = a resident (anonymous)
card-light-green = { $mark } { $milestone } deadline: { $due }
card-light-yellow = { $mark } { $milestone } deadline is close: { $due }
card-light-red = { $mark } { $milestone } deadline missed ({ $due }); as of { $now }, overdue by { $hours ->
        [0] {""}
       *[other] { $hours } h{" "}
    }{ $minutes } min
card-tier = Supervision: escalated to { $area }{ $card ->
        [none] {""}
       *[other] {" "}· { $card }
    }
card-no-worker = This grid has no grid worker yet; { $community } has been told and will send someone.
grid-no-worker-notice = 📋 { $grid } has no grid worker: please have someone handle new report { $number }. Send /ticket { $number } to see it.
sla-missed-milestone = { $milestone } deadline missed ({ $due })
bind-usage-staff = Staff group: /bind CODE staff, for example /bind SIHAI staff (daily reports, deadline notices and escalations go only to staff groups, never to residents' groups)
bind-staff-done = This group is now the staff group of { $name } ({ $code }): daily reports, deadline notices and escalations come here; residents' groups do not get them.
error-bind-staff-building = { $code } is a building; bind a staff group to a grid, community or street.
ticket-full-text = Full report:
button-submit-named = Submit, showing my name in the group
private-anonymous-note = The group sees only the problem and the building, with phone and door numbers hidden and without your name; to be named, tap "Submit, showing my name in the group".
## issue 8: journeys-a
button-finish = Done
button-skip-photo = Skip (no photo)
resolve-received = Received: { $photos } photo(s), { $notes } note(s). Send more if you like, then press [Done].
resolve-send-what = Please send a photo or a note, then press [Done].
resolve-timeout-done = Nothing more arrived for a while: { $number } is resolved with the photos and notes received; the reporter has been asked to rate it.
resolve-timeout-empty = No photo or note arrived: resolving { $number } was cancelled; the ticket stays with you.
emergency-extras-ask = If you can, send photos, your location or more details: they go straight onto { $number }. Press [Done] when finished.
emergency-extras-added = Added to { $number }. Send more if you like, then press [Done].
emergency-extras-done = Thank you: { $number } is being handled as an emergency.
rate-evidence-note = What was done: { $note }
rate-evidence-photos = { $count } photo(s) after the fix (send /ticket { $number } for the history)
rate-evidence-none = The worker left no photo and no note.
rate-recorded-rework = { $number } rated: { $level }. It went back to { $name } for rework; new deadline { $due }. You will be asked to rate it again.
rate-rework-grid = the grid's workers
history-note-accepted = accepted by the reporter
webchat-demo-group-title = { $grid } residents
webchat-error-too-long = The text is too long: { $count } characters, at most { $limit }. Please shorten it and send again; what you wrote is still in the box.
## issue 8: evidence
rate-evidence-caption = { $number }: the place after the fix
webchat-place-nanhu-service-centre = Nanhu Community Service Centre
webchat-place-nanhu-building-1 = Nanhu Garden, Building 1
webchat-place-nanhu-building-2 = Nanhu Garden, Building 2
webchat-place-nanhu-park-gate = Nanhu Park, east gate
## issue 9: faults
report-cap-reached = You have reported { $cap } problems within the hour, thank you for caring! So that the grid workers can deal with those first, please report again after { $again }. An emergency (gas, fire, someone hurt) can always be reported.
