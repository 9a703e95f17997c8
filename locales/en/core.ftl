# What the terminal's core writes: receipts, reports, CSV headings, the
# counter's messages and merchantctl's lines. The window's words are in
# ui.ftl. English is the reference: every other language has every id here.

## Receipts

receipt-training = *** TRAINING — NOT A PAYMENT ***
receipt-copy-customer = CUSTOMER COPY
receipt-copy-merchant = MERCHANT COPY
receipt-title-sale = SALE
receipt-title-refund = REFUND
receipt-heading = { $title } — { $copy }
receipt-date = Date
receipt-sale = Sale
receipt-card = Card
receipt-entry = Entry
receipt-application = Application
receipt-aid = AID
receipt-account = Account
receipt-auth-code = Auth code
receipt-arc = ARC
receipt-verification = Verification
receipt-item = Item
receipt-amount = Amount
receipt-charged = Charged
receipt-result = Result
receipt-hold-released = The hold on the card is released: nothing was taken.
receipt-cardholder-signature = Cardholder signature
receipt-merchant-signature = Merchant signature
receipt-risk = RISK: { $warning }
receipt-outcome = Outcome
receipt-served-by = Served by
receipt-gateway-ref = Gateway ref
receipt-thanks = Thank you. Keep this receipt.
receipt-refund = Refund
receipt-of-sale = Of sale
receipt-sale-date = Sale date
receipt-sale-auth-code = Sale auth code
receipt-refunded = Refunded
receipt-reason = Reason
receipt-note = Note
receipt-refund-foot = Refunds go back to the original card only and can take 5-10 days to appear.
receipt-sale-approved = APPROVED
receipt-sale-authorized = AUTHORISED — NOT YET CHARGED
receipt-sale-declined = DECLINED
receipt-sale-voided = VOIDED — NOT CHARGED
receipt-sale-not-charged = NOT CHARGED
receipt-in-doubt = IN DOUBT — BEING CHECKED
receipt-refund-succeeded = REFUNDED TO THE CARD
receipt-refund-failed = NOT REFUNDED

## How a card was read and its holder verified

entry-chip = Chip
entry-contactless = Contactless
entry-contactless-magstripe = Contactless (magstripe)
entry-swipe = Swiped
entry-swipe-fallback = Swiped (chip fallback)
entry-keyed = Keyed
entry-phone = Phone order (card not present)
entry-simulated = Simulated (training)
verification-pin = PIN verified
verification-signature = Signature
verification-pin-and-signature = PIN verified and signature
verification-device = Verified on device
verification-none = No verification required
verification-failed = Verification failed

## Refund reasons

reason-requested-by-customer = requested by customer
reason-duplicate = duplicate
reason-fraudulent = fraudulent

## Risk

risk-elevated = Elevated fraud risk
risk-highest = Highest fraud risk
risk-cvc = the security code did not match
risk-postal-code = the postal code did not match
risk-warning = { $concerns }: check ID or ask for another card.

## The shop's heading

shop-phone = Tel. { $phone }
shop-tax-id = Tax ID { $tax_id }
shop-till = Till: { $till }

## Reports (day view, X and Z)

report-day-title = DAY REPORT
report-x-title = X REPORT (day not closed)
report-z-title = Z REPORT No. { $number }
report-training = *** TRAINING - NOT REAL MONEY ***
report-from = From { $from }
report-to = To   { $to } ({ $zone })
report-empty = No sales or refunds.
report-currency = Currency { $currency }
report-sales = Sales ({ $count })
report-refunds = Refunds ({ $count })
report-net = Net
report-average = Average ticket
report-held = Held, not captured ({ $count })
report-voided = Voided
report-declined = Declined or failed
report-net-by-line = Net by line (sales/refunds):
report-by-brand = By card brand:
report-by-staff = By staff:
report-by-hour = By hour:
report-shop-title = SHOP DAY (all tills, from the gateway)
report-by-till = By till:
report-till-differs = ! { $till }: its own records show { $sales } sale(s) { $gross }, { $refunds } refund(s) { $refunded }
report-z-closed = Closed { $at } by { $by }
report-z-covers = Covers { $count ->
    [one] one sale or refund
   *[other] { $count } sales and refunds
}
report-z-hash = SHA-256 of what it covers:
report-no-card = no card
report-unattributed = unattributed
report-staff-unknown = staff { $id }
shop-till-none = not from a till
shop-till-unnamed = till { $id }
shop-staff-at-till = { $staff } ({ $till })

## CSV export: column headings (kept machine-friendly in English)

csv-record = record
csv-id = id
csv-sale-id = sale_id
csv-created-utc = created_utc
csv-created-local = created_local
csv-status = status
csv-amount = amount
csv-captured = captured
csv-currency = currency
csv-card = card
csv-staff = staff
csv-till = till
csv-refund-reason = refund_reason
csv-card-ending = { $brand } ending { $last4 }

## The counter: what happened to a sale or refund

sale-approved = Approved.
sale-authorized = Authorised: the amount is held on the card. Capture or void it later.
sale-expired = Expired: nobody captured it in time, so the payment service released the hold. The card was not charged.
sale-voided = Voided: the hold was released; the card was not charged.
sale-cancelled = Cancelled: the card was not charged.
sale-processing-error = The payment could not be processed. The card was not charged; try again.
sale-phone-needs-authentication = The card asks for 3-D Secure, which cannot be done over the phone. Nothing was charged: take this payment another way (in the shop, or a payment link).
sale-needs-authentication = The card asks the customer to confirm the payment with their bank. Nothing was charged: use the card reader or another card.
sale-reader-timeout = The reader timed out waiting for a card. The card was not charged; try again.
sale-interrupted = Interrupted before the card was charged. Not charged.
sale-failed = The payment failed. The card was not charged.
sale-in-doubt = In doubt: the payment may have gone through. Do not charge again until it is resolved.
decline-insufficient-funds = Declined: insufficient funds. Ask for another card.
decline-expired-card = Declined: the card has expired. Ask for another card.
decline-incorrect-cvc = Declined: the security code was wrong. Try again or use another card.
decline-incorrect-pin = Declined: the PIN was wrong. Try again or use another card.
decline-pin-required = Declined: this card needs its PIN. Ask the customer to insert the card and try again.
decline-generic = Declined by the card issuer. Ask for another card.
capture-expired = The authorisation expired at { $when }: it can no longer be captured. Void it and take a new payment.
capture-soon = Capture before { $when }: the authorisation then lapses.
refund-succeeded = Refunded to the original card.
refund-in-doubt = In doubt: the refund may have gone through. Do not refund again until it is resolved.
refund-failed = The refund failed; nothing was refunded.

## merchantctl

cli-refund = refund { $id } { $amount }: { $message } ({ $left } left)
cli-no-sales = no sales
cli-language = language: { $language }

## Errors met at the till (set-up and support errors are in English only)

error-amount-empty = Enter an amount.
error-amount-negative = Amounts cannot be negative; use a refund to give money back.
error-amount-zero = The amount must be more than zero.
error-amount-character = The amount holds a character that is not allowed; type digits and one decimal separator.
error-amount-decimals = { $currency } has { $allowed } decimal places; the amount has more.
error-amount-several-marks = The amount has more than one decimal separator.
error-amount-grouping = The amount's digit grouping is not valid; group thousands in threes or leave them out.
error-amount-decimal-mark = At this till decimals are written after "{ $mark }" and thousands are grouped in threes.
error-amount-other-currency = The amount names another currency, but the sale is in { $currency }.
error-amount-above-limit = The amount is above this till's limit of { $limit }.
error-unknown-currency = Unknown or unsupported currency: use a code such as EUR or USD.
error-amount-card-number = The amount looks like a card number. Card numbers are never typed into the terminal.
error-charge-in-progress = A charge is already in progress on this till.
error-nothing-to-cancel = No charge is in progress.
error-in-doubt = { $count ->
    [one] One sale is in doubt: resolve it before taking a new charge. Do not charge the customer again.
   *[other] { $count } sales are in doubt: resolve them before taking a new charge. Do not charge the customer again.
}
error-live-not-configured = Live mode has no gateway key yet. An owner must set one.
error-back-office = This terminal is a back office: it takes no payments and makes no refunds.
error-back-office-not-fresh = Only a terminal that has never taken a payment can become a back office.
error-sale-not-found = No such sale on this terminal.
error-capture-expired = The authorisation has expired: the card issuer no longer holds the money, so it cannot be captured. Void it and take a new payment.
error-wrong-pin = Wrong name or PIN.
error-slow-down = Too many wrong PINs: wait { $seconds } seconds before trying again.
error-locked-out = This account is locked after too many wrong PINs. A manager can unlock it, or try again in { $minutes } minutes.
error-disabled = This account is disabled.
error-too-many-attempts = Too many PIN attempts on this terminal: wait a minute.
error-forbidden = Your role may not do this ({ $permission }).
error-weak-pin = A PIN is at least 6 digits, digits only.
error-bad-name = A staff name is 1 to 40 letters, digits, spaces, dots or dashes.
error-name-taken = That staff name is taken.
error-owner-exists = The owner account already exists.
error-no-such-staff = No staff member by that name.
error-last-manager = That would leave no active manager (and nobody disables their own account).
error-not-signed-in = Sign in first.
error-idle-locked = The screen locked after being idle. Sign in again.
error-no-longer-active = This account is no longer active. Ask a manager.
error-reauth-required = Enter your PIN again to change settings, keys or staff, or to export.
error-needs-approval = This refund is above { $limit }: a manager must approve it with their PIN.
error-gateway-processing = The payment could not be processed. Try again.
error-reader-timeout = The card reader timed out waiting for a card. Try again.
error-reader-offline = The card reader is offline.
error-reader-busy = The card reader is busy with another payment. Wait for it, or cancel it on the reader.
error-gateway-unreachable = The payment service cannot be reached.
error-gateway-outcome-unknown = The payment service did not answer in time; the outcome is unknown.
error-gateway-rate-limited = The payment service is limiting requests. Wait a moment and try again.
error-gateway-key-rejected = The payment service rejected the terminal's key (invalid or revoked). An owner must set a new key.
error-gateway-permission-missing = The terminal's restricted key lacks a permission this action needs. See the README for the list.
error-gateway-tls = The secure connection to the payment service failed (certificate not trusted or wrong host).
error-authentication-required = The card needs the customer to authenticate; use the card reader or another card.
error-gateway-invalid-request = The payment service refused the request.
error-gateway-not-found = The payment service does not know this payment.
error-gateway-malformed = The payment service sent an answer the terminal cannot trust.
error-gateway-too-large = The payment service sent an answer larger than the terminal accepts; nothing in it was used.
error-gateway-list-too-long = The payment service's list is longer than the terminal reads in one go. Choose a shorter date range.
error-gateway-no-listing = This payment service keeps no list to compare with (training mode simulates payments).
error-gateway-no-email = This payment service does not email receipts (training mode sends nothing). Print it instead.
error-keychain-locked = The system keychain is locked. Unlock it (sign in to the desktop session) and start the terminal again.
error-gateway-key-unbound = The gateway address or its CA has changed since the gateway key was checked, so the key is not sent there. A manager must enter the gateway key again.
error-disk-full = The disk is full: the sale could not be saved. Free some space; nothing was charged.
error-not-refundable = Only an approved sale can be refunded.
error-not-capturable = Only an authorisation can be captured or voided, once, for at most the authorised amount.
error-exceeds-refundable = That is more than can be refunded: at most { $left } is left on this sale.
error-refund-currency = The refund must be in the sale's currency ({ $currency }).
error-refund-limit = This refund is over the 24-hour refund limit: ask a manager.
error-charges-per-minute = More than { $count } charges a minute on this terminal: wait a moment.
error-refund-count = You have reached your limit of { $count } refunds in 24 hours: ask a manager.
error-refund-amount-limit = This refund would take you over your 24-hour refund limit of { $limit }: ask a manager.
error-not-an-email = That does not look like an email address.
error-no-receipt-to-email = Only an approved sale has a receipt to email.
error-address-card-number = That looks like it holds a card number. Card numbers are never typed into the terminal.
error-test-card-needs-test-key = Test cards only work with the gateway's test-mode key.
error-phone-order-needs-card = A phone order needs the card from the gateway's card window: a card cannot be read out to the reader.
error-cad-on-reader = Canadian dollar payments on the card reader need Interac, which this terminal does not support yet. Nothing was charged: take this payment by keyed entry instead.
error-last-four = The last 4 are four digits.
error-description-too-long = The description is too long: at most { $max } characters.
error-description-unprintable = The description cannot contain line breaks or control characters.
error-description-card-number = The description looks like it holds a card number. Card numbers are never typed into the terminal.
error-not-a-payment-method = That is not a payment method id (pm_…). Card numbers are never entered into the terminal.
error-already-open = This data folder is already open in another Merchant Terminal window that does not answer. Close that window (or end its process) and start again.
error-no-home = No data folder: set MERCHANT_TERMINAL_HOME or pass --home.
error-ca-unreadable = The extra CA file could not be read, or is larger than a CA file can be.
error-unknown-time-zone = Unknown time zone: use a name such as Europe/Paris or America/New_York.
error-in-doubt-in-period = Resolve the { $count } sale(s) or refund(s) in doubt before closing the day.
error-no-such-closing = There is no Z report with that number.
error-shop-needs-live = The shop's combined day is read from the gateway: it needs live mode and the shop's gateway key.
error-terminal-data-missing = This terminal's staff and audit records (terminal.sqlite3) are missing. Nobody can sign in until they are back: restore the whole data folder from a backup. If there is no backup, the owner can start a new audit trail, proven by the gateway key kept on this terminal.
error-terminal-data-replaced = This terminal's staff and audit records (terminal.sqlite3) were replaced by another file. Nobody can sign in until they are back: restore the whole data folder from a backup. If there is no backup, the owner can start a new audit trail, proven by the gateway key kept on this terminal.
error-nothing-to-recover = This terminal's records are in place: there is nothing to recover.
error-no-owner-proof = No gateway key is kept on this terminal, so nothing proves who its owner is. Restore the data folder from a backup, or set up a new data folder.
error-proof-mismatch = That is not the gateway key kept on this terminal. Nothing was changed.
error-not-confirmed = Starting a new audit trail cannot be undone: run it again with --confirm.
error-shop-no-name = The shop needs a name: it heads every receipt.
error-shop-too-long = The shop's { $field } is too long: at most { $max } characters, so that it prints on one receipt line.
error-shop-too-many-lines = The shop's address has more than { $max } lines.
error-shop-unprintable = The shop's { $field } has a character that cannot be printed (a line break or a control character).
error-shop-card-number = The shop's { $field } looks like it holds a card number. Card numbers are never typed into the terminal.
shop-field-name = name
shop-field-address = address
shop-field-phone = phone
shop-field-tax-id = tax id
shop-field-till = till name
error-no-recipients = No support recipient is configured (settings: support_recipients = ["age1…"]).
error-bad-recipient = Recipient { $number } is not an age X25519 public key (age1…).
error-store-busy = The sales database is in use by another program.
error-store-rekeying = The sales database is being re-keyed by another program; try again when it has finished.
error-store-open-elsewhere = Another program (the app or merchantctl) has the sales database open; close it, then rotate the key.

## Training and test cards (the counter's card menu)

card-approve = Approved card
card-generic-decline = Generic decline
card-insufficient-funds = Insufficient funds
card-expired = Expired card
card-processing-error = Processing error
card-slow-reader = Slow reader (approves)
card-reader-timeout = Reader timeout
card-test-visa = Test Visa — approved
card-test-visa-declined = Test Visa — declined

cli-owner-created = owner { $name } created
cli-still-in-doubt = { $count } sale(s) still in doubt
cli-reconciled = { $local } local sale(s), { $gateway } at the gateway, { $matched } matched, { $differences } difference(s)
cli-imported = imported { $count } record(s)
cli-time-zone = time zone: { $zone }
cli-till-named = till: { $till }
cli-back-office-on = This terminal is now a back office: reports and the shop day, no counter.
cli-gateway-progress = reading the gateway: day { $done } of { $total }
cli-mode-training = mode: training
cli-mode-live = mode: live
cli-staff-added = { $name } added as { $role }
cli-staff-unlocked = { $name } unlocked
cli-staff-disabled = Disabled: that account cannot sign in until enabled again.
cli-staff-enabled = Enabled: that account can sign in again.
cli-csv-written = { $count } row(s) written to { $path }
cli-bundle-preview = preview
cli-bundle-sealed = sealed to { $path }
cli-recovery-code = Recovery code (write it down now: it is shown only this once):
    { $code }
    Keep it away from the till. With it and a backup, this terminal can be restored on a new computer.
cli-backup-made = Backup sealed to { $path } ({ $files } files). It opens only with the recovery code.
cli-restored = Restored { $files } files; the audit trail continues. Next: enter the gateway key again (merchantctl gateway set-key), then bring in what happened since the backup (merchantctl reconcile --fix).
cli-key-rotated = cache key v{ $from } -> v{ $to }: { $sales } sales and { $refunds } refunds re-sealed; v{ $from } destroyed
cli-recipients = support bundles are now sealed to { $count } recipient(s)
cli-gateway = gateway: { $url }
cli-gateway-key-cleared = The gateway key was cleared (it was checked against the old address or CA): enter it again with merchantctl gateway set-key.
cli-gateway-key-saved = gateway key { $key } saved to the keychain.
cli-gateway-key-advice = A full secret key works, but a restricted key (rk_) with only the permissions in the README is recommended.

## Roles (the window's words too)

role-cashier = cashier
role-manager = manager
role-support = support

## The card window (phone and mail orders)
card-window-title = Phone order — card details
card-window-hint = Type the card the customer reads out. The card number stays with the payment gateway: this terminal never sees it.
card-window-use = Use this card
card-window-cancel = Cancel
card-window-working = Checking the card with the gateway…
error-card-entry-not-configured = Phone orders are not set up: the gateway's publishable key is missing.
error-card-entry-mode-mismatch = The gateway's publishable key and secret key are not of the same mode (test or live).
error-card-entry-bad-setting = The gateway's publishable key or card-field address is not valid.
error-card-entry-bad-hand-back = The card window handed back something that is not a card.
error-card-entry-cancelled = The card window was closed: no card was entered.
error-card-entry-already-open = The card window is already open.
error-card-entry-timed-out = The card window was closed: it was open longer than the idle lock allows. Nothing was charged.
error-card-entry-unreachable = The gateway's card fields could not be reached.

## Backups and the recovery kit
error-backup-no-kit = There is no recovery kit yet: create one first (merchantctl recovery-kit issue).
error-backup-mistyped-code = That is not a recovery code: check it against the recovery sheet.
error-backup-wrong-code = This recovery code does not open this backup. Nothing was restored.
error-backup-damaged = The backup file is damaged or incomplete. Nothing was restored.
error-backup-other-terminal = This backup is of another terminal than the one in this data folder. Nothing was restored.
error-backup-not-empty = This data folder already holds a terminal: restore into an empty folder.
error-backup-in-use = This terminal is already in use: a backup is restored only on a new installation.
error-backup-sheet-in-data-folder = Keep the recovery sheet out of the terminal's data folder: choose another place.
error-backup-keychain-has-key = The keychain already holds another key for this terminal. Nothing was restored.
error-backup-interrupted = A restore into this data folder was interrupted: run the restore again.
recovery-sheet-title = Merchant Terminal - recovery sheet
recovery-sheet-terminal = Terminal { $id }
recovery-sheet-code = Recovery code:
recovery-sheet-keep = Keep this sheet away from the till, somewhere safe. With this code and a backup file, the terminal's data can be restored on a new computer; without it, no backup opens.
recovery-sheet-restore = To restore: install Merchant Terminal on the new computer, then run: merchantctl restore BACKUP-FILE, and type this code. Then enter the gateway key again and run: merchantctl reconcile --fix.
