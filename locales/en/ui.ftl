# The window's words: every text the counter UI shows, by screen. What the
# core writes (receipts, reports, the counter's messages) is in core.ftl.
# English is the reference: every other language has every id, attribute
# and variable here. Amounts, names, paths and card lines arrive as
# variables, already written the shop's way.

## Shared

app-title = Merchant Terminal
back-to-counter = Back to the counter
error-internal = Something went wrong in the terminal. Nothing was charged twice; try again.

## Languages: each written in itself, the same in every file

language-en = English
language-fr = Français
language-de = Deutsch
language-es = Español

## Session bar

training-band = TRAINING MODE — NO REAL PAYMENTS
session-reports = Reports
session-gateway = Gateway
session-staff = Staff & audit
session-support = Support bundle
session-lock = Lock (F2)
session-alerts =
    { $count ->
        [one] ⚠ { $count } alert: see Staff & audit
       *[other] ⚠ { $count } alerts: see Staff & audit
    }
session-idle-locked = The screen locked after being idle.

## PIN again

reauth-title = Your PIN again
reauth-pin = PIN
reauth-submit = Confirm
reauth-cancel = Cancel
reauth-not-entered = Not changed: the PIN was not entered.

## Start-up

startup-error-title = The terminal cannot start
startup-error-code = code: { $code }
startup-already-open = This terminal is already open
startup-data-missing = This terminal's records are missing
startup-data-missing-next = If you have a backup and its recovery code: move this data folder aside and run `merchantctl restore FILE` (it restores into an empty folder). To start a new trail without a backup, the owner runs `merchantctl setup recover --confirm` on this computer; it asks for the gateway key.

## Sign in

sign-in-title = Sign in
sign-in-hint = Enter your name and PIN.
sign-in-name = Name
sign-in-pin = PIN (at least 6 digits)
sign-in-pin-pad =
    .aria-label = PIN pad
sign-in-pin-clear =
    .aria-label = Clear the PIN
sign-in-pin-back =
    .aria-label = Delete last digit
sign-in-button = Sign in
sign-in-owner-title = Create the owner's account
sign-in-owner-hint = This terminal is new. Choose the owner's name and a PIN of at least 6 digits.
sign-in-owner-button = Create owner

## Sale statuses, as the cashier reads them

status-word-approved = APPROVED
status-word-authorized = AUTHORISED
status-word-voided = VOIDED
status-word-declined = DECLINED
status-word-failed = NOT CHARGED
status-word-cancelled = CANCELLED
status-word-in-doubt = IN DOUBT

## Counter

counter-sale-heading = New sale
counter-amount = Amount
counter-currency =
    .aria-label = Currency
counter-keypad =
    .aria-label = Amount keypad
counter-key-decimal =
    .aria-label = Decimal separator
counter-key-back =
    .aria-label = Delete last digit
counter-description = Description (optional)
counter-simulated-card = Simulated card on the reader
counter-test-card = Test card (the gateway's test mode)
counter-authorize-only = Authorise only — capture later (deposits, tabs)
counter-charge = Charge
counter-charge-hint = Enter charges · Esc cancels
counter-phone-order = Phone order…
counter-phone-wait = Type the card in the card window
counter-phone-wait-hint = Closing the card window cancels the order.
counter-present-card = Present card on the reader
counter-cancel = Cancel (Esc)
counter-training-note = TRAINING — NOT A PAYMENT
counter-resolve = Resolve now
counter-retry = Try again
counter-result-receipt = Receipt
counter-new-sale = New sale (Enter)
counter-resolved = Resolved: see the sale's status in today's list.
counter-still-in-doubt = Still in doubt: the payment service cannot be asked yet. Try again in a minute. Do not charge again.
counter-next-gateway-unreachable = The payment service cannot be reached. Check the shop's internet, then try again.
counter-next-processing-error = The payment service had a problem. Try again.
counter-next-rate-limited = The payment service is busy. Wait a few seconds, then try again.
counter-next-reader-timeout = No card was presented in time. Try again.
counter-next-reader-offline = The card reader is offline: check its power and network, then try again.
counter-next-key-rejected = The payment service refused this terminal's key. Ask a manager to set a new key; do not retry.
counter-next-permission-missing = The terminal's key lacks a permission. Ask a manager; do not retry.
counter-next-tls-failure = The secure connection failed. Ask a manager; do not retry.
counter-next-outcome-unknown = Press Resolve now, and tell the customer you are checking the payment.

## Counter: the sales list

counter-sales-heading = Sales
counter-search =
    .aria-label = Search sales
counter-search-day = Day
counter-search-status = Status
counter-search-any = any
counter-search-approved = approved
counter-search-authorized = authorised
counter-search-declined = declined
counter-search-failed = not charged
counter-search-voided = voided
counter-search-in-doubt = in doubt
counter-search-last4 = Last 4
counter-search-amount = Amount
counter-search-staff = Staff
counter-search-button = Search
counter-list-hint = Tab to a sale · R refunds it · Enter shows its receipt · F4 refunds the latest sale
counter-row-refund = Refund
counter-row-refund-label = Refund { $amount }
counter-row-capture = Capture
counter-row-capture-label = Capture or void { $amount }
counter-row-receipt = Receipt
counter-row-receipt-label = Receipt for { $amount }
# $approved of $count sales listed were approved; the day's totals may follow.
counter-summary = { $approved } approved of { $count }
counter-holds =
    { $count ->
        [one] { $count } authorisation waiting to be captured or voided; it lapses in { $days ->
            [one] { $days } day
           *[other] { $days } days
        }.
       *[other] { $count } authorisations waiting to be captured or voided; the oldest lapses in { $days ->
            [one] { $days } day
           *[other] { $days } days
        }.
    }

## Counter: refund, receipt and authorisation dialogs

counter-close = Close (Esc)
counter-refund-title = Refund
counter-refund-amount = Amount (up to { $amount })
counter-refund-reason = Reason
counter-refund-reason-customer = Requested by customer
counter-refund-reason-duplicate = Duplicate
counter-refund-reason-fraudulent = Fraudulent
counter-refund-note = Note (optional)
counter-refund-approval = Manager approval
counter-refund-approver-name = Manager's name
counter-refund-approver-pin = Manager's PIN
counter-refund-submit = Refund to the original card
counter-refund-receipt = Refund receipt
# $message: the core's words about the refund.
counter-refund-done = { $message } { $amount } refunded; { $left } left.
counter-receipt-title = Receipt
counter-receipt-refund-title = Refund receipt
counter-receipt-copy = Copy
counter-receipt-copy-customer = Customer copy
counter-receipt-copy-merchant = Merchant copy
counter-receipt-email = Email the customer (the gateway sends it; the address is not kept)
counter-receipt-print = Print
counter-receipt-send = Send
counter-receipt-saved = Saved as { $path }.
counter-receipt-emailed = The payment service will email the receipt.
counter-capture-title = Authorisation
counter-capture-amount = Amount to take (up to the authorised amount)
counter-capture-submit = Capture
counter-capture-void = Void — release the hold
counter-capture-sale = Authorised { $amount } — { $card }

## Reports

reports-toolbar =
    .aria-label = Report range and actions
reports-from = From
reports-to = To
reports-show = Show
reports-x = X report
reports-close-day = Close day (Z)
reports-close-day-confirm = Confirm: close the day
reports-close-day-warn = Closing the day numbers it and freezes its figures. Press again to confirm.
reports-csv = Export CSV
reports-reconcile = Reconcile
reports-print = Print
reports-back = Back
reports-title = Reports
reports-empty = No sales or refunds in this period.
reports-import = Import what the gateway has
reports-gross = Gross sales
reports-refunds = Refunds
reports-net = Net
reports-average = Average ticket
reports-held = Held, not captured
reports-voided-declined = Voided · declined
reports-in-doubt = In doubt
# A bar of the chart: an hour or a day, its net amount and its sales.
reports-chart-tip =
    { $count ->
        [one] { $label }: { $amount } net, { $count } sale
       *[other] { $label }: { $amount } net, { $count } sales
    }
reports-chart-by-hour = Net { $currency } by hour ({ $zone })
reports-chart-by-day = Net { $currency } by day ({ $zone })
reports-by-brand = By card brand
reports-by-staff = By staff
reports-col-sales = Sales
reports-col-gross = Gross
reports-col-refunds = Refunds
reports-col-net = Net
reports-range = { $from } to { $to }
reports-day-title = Day view · { $range }
reports-day-figures = Figures for { $range } ({ $zone }).
reports-x-title = X report · since the last close of day
reports-x-done = X report: nothing has been closed.
reports-z-title = Z report No. { $number }
reports-z-closed = Day closed as Z report No. { $number }. Saved as { $path }.
reports-csv-done =
    { $count ->
        [one] { $count } row exported to { $path }.
       *[other] { $count } rows exported to { $path }.
    }
reports-asking = Asking the gateway…
reports-shop = Shop (all tills)
reports-by-till = By till
reports-till-differs = This till’s own records: { $gross } ({ $count })
reports-shop-reading = Reading every till’s sales from the gateway…
reports-shop-title = Shop, all tills · { $range }
reports-shop-done = Every till’s figures for { $range }, from the gateway.
reports-shop-differs = This till’s own records differ from the gateway: see the marked line, and reconcile.
reports-reconciled =
    { $matched ->
        [one] Reconciled: { $matched } payment matches the gateway.
       *[other] Reconciled: { $matched } payments match the gateway.
    }
reports-differences =
    { $count ->
        [one] { $count } difference
       *[other] { $count } differences
    } with the gateway; { $matched ->
        [one] { $matched } payment matches.
       *[other] { $matched } payments match.
    }
reports-imported =
    { $count ->
        [one] Imported { $count } record from the gateway.
       *[other] Imported { $count } records from the gateway.
    }
# One difference with the gateway: its kind, the sale, what each side holds.
reports-mismatch = { $kind }: sale { $sale } · here: { $local } · gateway: { $gateway }
reports-nothing = nothing
reports-mismatch-missing-locally = missing locally
reports-mismatch-missing-at-gateway = missing at gateway
reports-mismatch-amount-differs = amount differs
reports-mismatch-status-differs = status differs
reports-mismatch-refund-missing-locally = refund missing locally
reports-mismatch-refund-missing-at-gateway = refund missing at gateway
reports-mismatch-audit-trail-differs = audit trail differs

## Gateway and mode

setup-title = Gateway and mode
setup-mode-label = Mode:
setup-mode-live = LIVE — real payments
setup-mode-training = TRAINING — no real payments
setup-switch-live = Switch to live
setup-switch-training = Switch to training
setup-switch-confirm-live = Confirm: switch to live
setup-switch-confirm-training = Confirm: switch to training
setup-switch-warn-live = Live mode takes real payments. Press again to confirm.
setup-switch-warn = Press again to confirm.
setup-now-live = Now in live mode.
setup-now-training = Now in training mode.
setup-base-url = Gateway address (https only; Stripe: https://api.stripe.com/)
setup-extra-ca = Extra CA to trust (PEM file path; for a test or company TLS proxy)
setup-reader = Card reader
setup-find-readers = Find readers
setup-reader-online = online
setup-reader-offline = offline
setup-choose-reader = Choose a reader, then save.
setup-no-readers = No readers on this account.
setup-omit-reason = The gateway rejects a refund reason (some Stripe-compatible test servers)
setup-publishable-key = Publishable key (pk_…), for phone orders
setup-moto = The account may mark phone orders as MOTO (ask Stripe to enable it)
setup-save = Save gateway settings
setup-gateway-saved = Gateway settings saved.
setup-key = Paste a new key (checked with the gateway, kept in the OS keychain, never shown again)
setup-save-key = Check and save key
setup-remove-key = Remove key
setup-no-key = No key: live mode cannot take payments until a key is saved.
# $masked: the key as shown, e.g. sk_test_…al01; $live and $restricted: yes or no.
setup-key-state =
    Key { $masked } ({ $live ->
        [yes] live
       *[no] test mode
    }, { $restricted ->
        [yes] restricted
       *[no] full secret key
    }).
setup-key-advice = A full secret key works; a restricted key (rk_…) with only the permissions listed in the README is recommended.
setup-paste-first = Paste the key first.
setup-checking-key = Checking the key with the gateway…
setup-key-saved = Key checked and saved in the keychain. It will not be shown again.
setup-key-removed = Key removed.
setup-keys = Keys
setup-rotate = Rotate the cache key
setup-recipients = Support bundles are sealed to (age public keys, one per line)
setup-owner-recipient = Your own age key, to read your exports too (optional)
setup-save-recipients = Save recipients
setup-cache-key =
    { $rows ->
        [one] Cache key v{ $version } seals { $rows } record.
       *[other] Cache key v{ $version } seals { $rows } records.
    }
# $list: earlier versions with their state, e.g. "v1 destroyed, v2 retired".
setup-cache-earlier = Earlier: { $list }.
setup-cache-unavailable = The cache key is not available.
setup-key-current = current
setup-key-retiring = retiring
setup-key-retired = retired
setup-key-destroyed = destroyed
setup-resealing = Re-sealing every record under a new key…
setup-rotated =
    Cache key rotated to v{ $to }: { $sales ->
        [one] { $sales } sale
       *[other] { $sales } sales
    } and { $refunds ->
        [one] { $refunds } refund
       *[other] { $refunds } refunds
    } re-sealed; v{ $from } destroyed.
setup-rotated-plain = Cache key rotated.
setup-recipients-saved =
    { $count ->
        [one] Support bundles are now sealed to { $count } key.
       *[other] Support bundles are now sealed to { $count } keys.
    }

## Staff, limits and the audit trail

staff-title = Staff, limits and the audit trail
staff-alerts = Alerts
staff-staff = Staff
staff-col-name = Name
staff-col-role = Role
staff-col-state = State
staff-col-wrong-pins = Wrong PINs
staff-col-actions = Actions
staff-state-active = active
staff-state-locked = locked
staff-state-disabled = disabled
staff-disable = Disable
staff-enable = Enable
staff-unlock = Unlock
staff-reset-pin = Reset PIN
staff-disable-for = Disable { $name }
staff-enable-for = Enable { $name }
staff-unlock-for = Unlock { $name }
staff-reset-pin-for = Reset PIN { $name }
staff-new-pin-for = New PIN for { $name }
staff-disabled = { $name } disabled.
staff-enabled = { $name } enabled.
staff-unlocked = { $name } unlocked.
staff-pin-reset = { $name }'s PIN was reset.
staff-add-name = Name
staff-add-role = Role
staff-add-pin = PIN (6+ digits)
staff-add-button = Add
staff-added = { $name } added.
staff-limits = Limits
staff-limit-approval-above = Refunds need a manager above
staff-limit-refund-count = Refunds per cashier per day
staff-limit-refund-amount = Refund amount per cashier per day
staff-limit-charges-per-minute = Charges per minute
staff-limit-idle-lock = Lock after idle (minutes, ≤ 15)
staff-limit-cashier-phone-orders = Cashiers may take phone orders
staff-alert-declines = Alert: declines
staff-alert-decline-window = … within minutes
staff-alert-refund-limit = Alert: refund limit used (%)
staff-alert-wrong-pins = Alert: wrong PINs per hour
staff-alert-quick-refund = Alert: refund within minutes of its charge
staff-alert-backup-stale = Alert: no backup for days
staff-limits-save = Save limits
staff-limits-saved = Limits saved.
staff-shop = Shop
staff-shop-name = Name
staff-shop-address = Address (one line each)
staff-shop-phone = Phone
staff-shop-tax-id = Tax ID
staff-shop-till = This till's name
staff-shop-paper = Receipt paper
staff-paper-a4 = A4
staff-paper-80mm = 80 mm roll
staff-paper-58mm = 58 mm roll
staff-shop-save = Save shop details
staff-shop-saved = Shop details saved: receipts and reports print them from now on.
staff-language = Shop language
staff-save-language = Save language
# Said in the language just chosen.
staff-language-saved = Language saved: the terminal now speaks English, on screen and on receipts and reports.
staff-audit = Audit trail
audit-filter-action = Action
audit-filter-staff = Staff
audit-filter-outcome = Outcome
audit-any = any
audit-filter = Filter
audit-verify = Verify the chain
audit-col-seq = #
audit-col-when = When
audit-col-who = Who
audit-col-action = Action
audit-col-outcome = Outcome
audit-col-object = Object
audit-col-detail = Detail
audit-intact =
    { $count ->
        [one] The audit trail is intact: { $count } entry verified.
       *[other] The audit trail is intact: { $count } entries verified.
    }
audit-truncated = The audit trail ends at entry { $last } but reached entry { $anchor } before (as recorded in the keychain or at the gateway): entries were removed or replaced. Keep this terminal as it is and call support.
audit-broken = The audit trail is broken at entry { $seq }. Keep this terminal as it is and call support.

## Audit trail: actions

audit-action-sign-in = sign in
audit-action-sign-out = sign out
audit-action-pin-failed = wrong PIN
audit-action-lockout = lockout
audit-action-unlock = unlock
audit-action-charge = charge
audit-action-capture = capture
audit-action-void = void
audit-action-refund = refund
audit-action-refund-approval = refund approval
audit-action-resolve-in-doubt = resolve in doubt
audit-action-gateway-key-set = gateway key set
audit-action-gateway-key-removed = gateway key removed
audit-action-gateway-configured = gateway configured
audit-action-mode-switch = mode switch
audit-action-staff-created = staff created
audit-action-staff-changed = staff changed
audit-action-settings-changed = settings changed
audit-action-export = export
audit-action-permission-denied = permission denied
audit-action-close-day = close of day
audit-action-report-export = report export
audit-action-reconcile-import = reconcile import
audit-action-receipt-emailed = receipt emailed
audit-action-cache-key-rotated = cache key rotated
audit-action-support-recipients-changed = support recipients changed
audit-action-setup-recovered = setup recovered
audit-action-recovery-kit-issued = recovery kit issued
audit-action-backup-made = backup made
audit-action-restored = restored from a backup

## Audit trail: outcomes

audit-outcome-ok = ok
audit-outcome-denied = denied
audit-outcome-refused = refused
audit-outcome-rejected = rejected
audit-outcome-failed = failed
audit-outcome-rate-limited = rate limited
audit-outcome-needs-approval = needs approval
audit-outcome-limit-reached = limit reached
audit-outcome-bound = bound
audit-outcome-locked = locked
audit-outcome-slow-down = slow down
audit-outcome-idle = idle
audit-outcome-no-longer-active = no longer active
audit-outcome-recovered = recovered
audit-outcome-pending = pending
audit-outcome-in-doubt = in doubt
audit-outcome-approved = approved
audit-outcome-authorized = authorised
audit-outcome-declined = declined
audit-outcome-cancelled = cancelled
audit-outcome-voided = voided
audit-outcome-captured = captured
audit-outcome-refunded = refunded
audit-outcome-succeeded = succeeded
audit-outcome-capture-or-void-not-done = capture or void not done
audit-outcome-authorisation-expired = authorisation expired

## Support bundle

support-title = Support bundle
support-hint = Logs (redacted), the audit trail and health checks — never sales data — sealed so that only the support team can open it. Check what goes in, then seal.
support-preview = Preview contents
support-export = Seal and save
support-collecting = Collecting…
support-sealing = Sealing…
support-file =
    { $bytes ->
        [one] { $path } — { $bytes } byte
       *[other] { $path } — { $bytes } bytes
    }
support-previewed =
    { $files ->
        [one] { $files } file
       *[other] { $files } files
    } will be sealed for { $recipients ->
        [one] { $recipients } recipient.
       *[other] { $recipients } recipients.
    }
support-sealed = Sealed and saved to { $path }. Send this file to support.

backups-title = Backups
backups-issue-kit = New recovery kit
backups-folder = Back up into this folder
backups-now = Back up now
backups-never = never
backups-last = Newest backup: { $when }.
backups-kit-yes = A recovery kit exists.
backups-kit-no = There is no recovery kit yet: create one before backing up.
backups-kit-code = Recovery code (write it down now: it is shown only this once): { $code }
backups-folder-first = Type the folder to back up into first.
backups-working = Backing up…
backups-done = Backup written. It opens only with the recovery code.
backups-daily = Also back up there every day
recovery-title = Your recovery code
recovery-hint = Write it down now and keep it away from the till: it is shown only this once. With it and a backup, this terminal can be restored on a new computer.
recovery-done = I have written it down
sheet-file = To print it, save the recovery sheet (PDF) as
sheet-save = Save the sheet
sheet-file-first = Enter where to save the sheet (a full path ending in .pdf).
sheet-saved = Saved, readable by this computer user only. Print it, then delete the file.
restore-open = Restore from a backup…
restore-title = Restore from a backup
restore-hint = For a till moved to a new computer: the backup file and the recovery code written down when its kit was made.
restore-file = Backup file (its full path)
restore-code = Recovery code
restore-cancel = Cancel
restore-go = Restore
restore-file-first = Enter the backup file's full path.
restore-step = Restoring: step { $done } of { $total }…
restore-done = The backup of { $when } is restored. Sign in with your name and PIN, then enter the gateway key again (Gateway) and reconcile the days since the backup to bring in their sales.
