# Was der Kern des Terminals schreibt: Belege, Berichte, CSV-Spalten,
# Meldungen an der Kasse und die Zeilen von merchantctl.

## Belege

receipt-training = *** SCHULUNG — KEINE ZAHLUNG ***
receipt-copy-customer = KUNDENBELEG
receipt-copy-merchant = HÄNDLERBELEG
receipt-title-sale = VERKAUF
receipt-title-refund = ERSTATTUNG
receipt-heading = { $title } — { $copy }
receipt-date = Datum
receipt-sale = Verkauf
receipt-card = Karte
receipt-entry = Erfassung
receipt-application = Anwendung
receipt-aid = AID
receipt-account = Konto
receipt-auth-code = Autorisierungsnr.
receipt-arc = ARC
receipt-verification = Prüfung
receipt-item = Artikel
receipt-amount = Betrag
receipt-charged = Belastet
receipt-result = Ergebnis
receipt-hold-released = Die Reservierung auf der Karte ist aufgehoben: nichts wurde belastet.
receipt-cardholder-signature = Unterschrift Karteninhaber
receipt-merchant-signature = Unterschrift Händler
receipt-risk = RISIKO: { $warning }
receipt-outcome = Antwortcode
receipt-served-by = Bedient von
receipt-gateway-ref = Gateway-Ref.
receipt-thanks = Vielen Dank. Bitte Beleg aufbewahren.
receipt-refund = Erstattung
receipt-of-sale = Zum Verkauf
receipt-sale-date = Verkaufsdatum
receipt-sale-auth-code = Autorisierungsnr. des Verkaufs
receipt-refunded = Erstattet
receipt-reason = Grund
receipt-note = Notiz
receipt-refund-foot = Erstattungen gehen nur auf die ursprüngliche Karte und können 5–10 Tage bis zur Gutschrift brauchen.
receipt-sale-approved = GENEHMIGT
receipt-sale-authorized = AUTORISIERT — NOCH NICHT BELASTET
receipt-sale-declined = ABGELEHNT
receipt-sale-voided = STORNIERT — NICHT BELASTET
receipt-sale-not-charged = NICHT BELASTET
receipt-in-doubt = UNKLAR — WIRD GEPRÜFT
receipt-refund-succeeded = AUF DIE KARTE ERSTATTET
receipt-refund-failed = NICHT ERSTATTET

## Wie die Karte gelesen und der Inhaber geprüft wurde

entry-chip = Chip
entry-contactless = Kontaktlos
entry-contactless-magstripe = Kontaktlos (Magnetstreifen)
entry-swipe = Magnetstreifen
entry-swipe-fallback = Magnetstreifen (Chip-Ausweich)
entry-keyed = Manuell eingegeben
entry-phone = Telefonbestellung (Karte nicht vorgelegt)
entry-simulated = Simuliert (Schulung)
verification-pin = PIN geprüft
verification-signature = Unterschrift
verification-pin-and-signature = PIN geprüft und Unterschrift
verification-device = Auf dem Gerät bestätigt
verification-none = Keine Prüfung erforderlich
verification-failed = Prüfung fehlgeschlagen

## Erstattungsgründe

reason-requested-by-customer = auf Kundenwunsch
reason-duplicate = doppelt
reason-fraudulent = betrügerisch

## Risiko

risk-elevated = Erhöhtes Betrugsrisiko
risk-highest = Höchstes Betrugsrisiko
risk-cvc = die Kartenprüfnummer stimmte nicht
risk-postal-code = die Postleitzahl stimmte nicht
risk-warning = { $concerns }: Ausweis prüfen oder um eine andere Karte bitten.

## Kopf mit den Angaben des Geschäfts

shop-phone = Tel. { $phone }
shop-tax-id = USt-IdNr. { $tax_id }
shop-till = Kasse: { $till }

## Berichte (Tagesansicht, X und Z)

report-day-title = TAGESBERICHT
report-x-title = X-BERICHT (Tag nicht abgeschlossen)
report-z-title = Z-BON Nr. { $number }
report-training = *** SCHULUNG - KEIN ECHTES GELD ***
report-from = Von { $from }
report-to = Bis { $to } ({ $zone })
report-empty = Keine Verkäufe oder Erstattungen.
report-currency = Währung { $currency }
report-sales = Verkäufe ({ $count })
report-refunds = Erstattungen ({ $count })
report-net = Netto
report-average = Durchschnittsbon
report-held = Reserviert, nicht gebucht ({ $count })
report-voided = Storniert
report-declined = Abgelehnt oder fehlgeschlagen
report-net-by-line = Netto je Zeile (Verkäufe/Erstattungen):
report-by-brand = Nach Kartenmarke:
report-by-staff = Nach Personal:
report-by-hour = Nach Stunde:
report-shop-title = TAG DES GESCHÄFTS (alle Kassen, laut Gateway)
report-by-till = Nach Kasse:
report-till-differs = ! { $till }: ihre eigenen Daten zeigen { $sales } Verkauf/Verkäufe { $gross }, { $refunds } Erstattung(en) { $refunded }
report-z-closed = Abgeschlossen am { $at } von { $by }
report-z-covers = Umfasst { $count ->
    [one] einen Verkauf oder eine Erstattung
   *[other] { $count } Verkäufe und Erstattungen
}
report-z-hash = SHA-256 des Umfangs:
report-no-card = ohne Karte
report-unattributed = nicht zugeordnet
report-staff-unknown = Personal { $id }
shop-till-none = nicht von einer Kasse
shop-till-unnamed = Kasse { $id }
shop-staff-at-till = { $staff } ({ $till })

## CSV-Export: Spaltenüberschriften

csv-record = Vorgang
csv-id = Kennung
csv-sale-id = Verkauf
csv-created-utc = Zeit (UTC)
csv-created-local = Zeit (Ortszeit)
csv-status = Status
csv-amount = Betrag
csv-captured = Belastet
csv-currency = Währung
csv-card = Karte
csv-staff = Personal
csv-till = Kasse
csv-refund-reason = Erstattungsgrund
csv-card-ending = { $brand } endet auf { $last4 }

## Die Kasse: was mit einem Verkauf oder einer Erstattung geschah

sale-approved = Genehmigt.
sale-authorized = Autorisiert: Der Betrag ist auf der Karte reserviert. Später buchen oder stornieren.
sale-expired = Abgelaufen: Niemand hat rechtzeitig gebucht, daher hat der Zahlungsdienst die Reservierung aufgehoben. Die Karte wurde nicht belastet.
sale-voided = Storniert: Die Reservierung ist aufgehoben; die Karte wurde nicht belastet.
sale-cancelled = Abgebrochen: Die Karte wurde nicht belastet.
sale-processing-error = Die Zahlung konnte nicht verarbeitet werden. Die Karte wurde nicht belastet; bitte erneut versuchen.
sale-phone-needs-authentication = Die Karte verlangt 3-D Secure, was am Telefon nicht möglich ist. Es wurde nichts belastet: Nehmen Sie diese Zahlung anders an (im Geschäft oder per Zahlungslink).
sale-needs-authentication = Die Karte verlangt, dass der Kunde die Zahlung bei seiner Bank bestätigt. Es wurde nichts belastet: Nutzen Sie das Kartenlesegerät oder eine andere Karte.
sale-reader-timeout = Das Lesegerät hat zu lange auf eine Karte gewartet. Die Karte wurde nicht belastet; bitte erneut versuchen.
sale-interrupted = Unterbrochen, bevor die Karte belastet wurde. Nicht belastet.
sale-failed = Die Zahlung ist fehlgeschlagen. Die Karte wurde nicht belastet.
sale-in-doubt = Unklar: Die Zahlung ist vielleicht durchgegangen. Nicht erneut kassieren, bevor sie geklärt ist.
decline-insufficient-funds = Abgelehnt: keine ausreichende Deckung. Um eine andere Karte bitten.
decline-expired-card = Abgelehnt: Die Karte ist abgelaufen. Um eine andere Karte bitten.
decline-incorrect-cvc = Abgelehnt: Die Kartenprüfnummer war falsch. Erneut versuchen oder eine andere Karte nehmen.
decline-incorrect-pin = Abgelehnt: Die PIN war falsch. Erneut versuchen oder eine andere Karte nehmen.
decline-pin-required = Abgelehnt: Diese Karte braucht ihre PIN. Die Karte stecken lassen und erneut versuchen.
decline-generic = Von der kartenausgebenden Bank abgelehnt. Um eine andere Karte bitten.
capture-expired = Die Autorisierung ist am { $when } abgelaufen und kann nicht mehr gebucht werden. Stornieren und neu kassieren.
capture-soon = Vor { $when } buchen: Danach verfällt die Autorisierung.
refund-succeeded = Auf die ursprüngliche Karte erstattet.
refund-in-doubt = Unklar: Die Erstattung ist vielleicht durchgegangen. Nicht erneut erstatten, bevor sie geklärt ist.
refund-failed = Die Erstattung ist fehlgeschlagen; nichts wurde erstattet.

## merchantctl

cli-refund = Erstattung { $id } { $amount }: { $message } ({ $left } übrig)
cli-no-sales = keine Verkäufe
cli-language = Sprache: { $language }

## Fehler an der Kasse

error-amount-empty = Bitte einen Betrag eingeben.
error-amount-negative = Beträge können nicht negativ sein; für Rückzahlungen eine Erstattung verwenden.
error-amount-zero = Der Betrag muss größer als null sein.
error-amount-character = Der Betrag enthält ein unzulässiges Zeichen; nur Ziffern und ein Dezimaltrennzeichen eingeben.
error-amount-decimals = { $currency } hat { $allowed } Nachkommastellen; der Betrag hat mehr.
error-amount-several-marks = Der Betrag hat mehr als ein Dezimaltrennzeichen.
error-amount-grouping = Die Zifferngruppierung ist ungültig; Tausender in Dreiergruppen oder gar nicht gruppieren.
error-amount-decimal-mark = An dieser Kasse stehen Nachkommastellen nach „{ $mark }“ und Tausender werden in Dreiergruppen geschrieben.
error-amount-other-currency = Der Betrag nennt eine andere Währung, der Verkauf ist aber in { $currency }.
error-amount-above-limit = Der Betrag liegt über dem Limit dieser Kasse von { $limit }.
error-unknown-currency = Unbekannte oder nicht unterstützte Währung: einen Code wie EUR oder USD verwenden.
error-amount-card-number = Der Betrag sieht wie eine Kartennummer aus. Kartennummern werden nie in das Terminal getippt.
error-charge-in-progress = An dieser Kasse läuft bereits eine Zahlung.
error-nothing-to-cancel = Es läuft keine Zahlung.
error-in-doubt = { $count ->
    [one] Ein Verkauf ist unklar: erst klären, dann neu kassieren. Den Kunden nicht erneut belasten.
   *[other] { $count } Verkäufe sind unklar: erst klären, dann neu kassieren. Den Kunden nicht erneut belasten.
}
error-live-not-configured = Der Echtbetrieb hat noch keinen Gateway-Schlüssel. Der Inhaber muss einen hinterlegen.
error-back-office = Dieses Terminal ist ein Büroplatz: Es nimmt keine Zahlungen an und erstattet nichts.
error-back-office-not-fresh = Nur ein Terminal, das nie eine Zahlung angenommen hat, kann ein Büroplatz werden.
error-sale-not-found = Diesen Verkauf gibt es auf diesem Terminal nicht.
error-capture-expired = Die Autorisierung ist abgelaufen: Die Bank reserviert das Geld nicht mehr, es kann nicht gebucht werden. Stornieren und neu kassieren.
error-wrong-pin = Name oder PIN falsch.
error-slow-down = Zu viele falsche PINs: { $seconds } Sekunden warten und erneut versuchen.
error-locked-out = Dieses Konto ist nach zu vielen falschen PINs gesperrt. Ein Filialleiter kann es entsperren, oder in { $minutes } Minuten erneut versuchen.
error-disabled = Dieses Konto ist deaktiviert.
error-too-many-attempts = Zu viele PIN-Versuche an diesem Terminal: eine Minute warten.
error-forbidden = Ihre Rolle darf das nicht ({ $permission }).
error-weak-pin = Eine PIN hat mindestens 6 Ziffern, nur Ziffern.
error-bad-name = Ein Personalname hat 1 bis 40 Buchstaben, Ziffern, Leerzeichen, Punkte oder Bindestriche.
error-name-taken = Dieser Personalname ist vergeben.
error-owner-exists = Das Inhaberkonto gibt es bereits.
error-no-such-staff = Kein Personal mit diesem Namen.
error-last-manager = Dann bliebe kein aktiver Filialleiter übrig (und niemand deaktiviert sein eigenes Konto).
error-not-signed-in = Bitte zuerst anmelden.
error-idle-locked = Der Bildschirm wurde nach Inaktivität gesperrt. Bitte erneut anmelden.
error-no-longer-active = Dieses Konto ist nicht mehr aktiv. Bitte an einen Filialleiter wenden.
error-reauth-required = PIN erneut eingeben, um Einstellungen, Schlüssel oder Personal zu ändern oder zu exportieren.
error-needs-approval = Diese Erstattung liegt über { $limit }: Ein Filialleiter muss sie mit seiner PIN freigeben.
error-gateway-processing = Die Zahlung konnte nicht verarbeitet werden. Bitte erneut versuchen.
error-reader-timeout = Das Lesegerät hat zu lange auf eine Karte gewartet. Bitte erneut versuchen.
error-reader-offline = Das Kartenlesegerät ist offline.
error-reader-busy = Das Kartenlesegerät bearbeitet eine andere Zahlung. Warten oder sie am Gerät abbrechen.
error-gateway-unreachable = Der Zahlungsdienst ist nicht erreichbar.
error-gateway-outcome-unknown = Der Zahlungsdienst hat nicht rechtzeitig geantwortet; das Ergebnis ist unbekannt.
error-gateway-rate-limited = Der Zahlungsdienst begrenzt die Anfragen. Kurz warten und erneut versuchen.
error-gateway-key-rejected = Der Zahlungsdienst hat den Schlüssel des Terminals abgelehnt (ungültig oder widerrufen). Der Inhaber muss einen neuen Schlüssel hinterlegen.
error-gateway-permission-missing = Dem eingeschränkten Schlüssel des Terminals fehlt eine Berechtigung für diese Aktion. Die Liste steht im README.
error-gateway-tls = Die sichere Verbindung zum Zahlungsdienst ist fehlgeschlagen (Zertifikat nicht vertrauenswürdig oder falscher Host).
error-authentication-required = Die Karte verlangt eine Authentifizierung des Kunden; das Kartenlesegerät oder eine andere Karte verwenden.
error-gateway-invalid-request = Der Zahlungsdienst hat die Anfrage abgelehnt.
error-gateway-not-found = Der Zahlungsdienst kennt diese Zahlung nicht.
error-gateway-malformed = Der Zahlungsdienst hat eine Antwort gesendet, der das Terminal nicht trauen kann.
error-gateway-too-large = Der Zahlungsdienst hat eine zu große Antwort gesendet; nichts davon wurde verwendet.
error-gateway-list-too-long = Die Liste des Zahlungsdienstes ist länger, als das Terminal auf einmal liest. Einen kürzeren Zeitraum wählen.
error-gateway-no-listing = Dieser Zahlungsdienst führt keine Liste zum Abgleich (der Schulungsmodus simuliert Zahlungen).
error-gateway-no-email = Dieser Zahlungsdienst versendet keine Belege per E-Mail (der Schulungsmodus sendet nichts). Bitte ausdrucken.
error-keychain-locked = Der Schlüsselbund des Systems ist gesperrt. Entsperren (an der Desktop-Sitzung anmelden) und das Terminal neu starten.
error-gateway-key-unbound = Die Gateway-Adresse oder ihre Zertifizierungsstelle hat sich seit der Prüfung des Schlüssels geändert, daher wird der Schlüssel dort nicht gesendet. Ein Filialleiter muss den Gateway-Schlüssel erneut eingeben.
error-disk-full = Die Festplatte ist voll: Der Verkauf konnte nicht gespeichert werden. Platz schaffen; nichts wurde belastet.
error-not-refundable = Nur ein genehmigter Verkauf kann erstattet werden.
error-not-capturable = Nur eine Autorisierung kann gebucht oder storniert werden, einmal, höchstens über den autorisierten Betrag.
error-exceeds-refundable = Das ist mehr, als erstattet werden kann: Auf diesem Verkauf sind höchstens { $left } übrig.
error-refund-currency = Die Erstattung muss in der Währung des Verkaufs sein ({ $currency }).
error-refund-limit = Diese Erstattung überschreitet das 24-Stunden-Erstattungslimit: an einen Filialleiter wenden.
error-charges-per-minute = Mehr als { $count } Zahlungen pro Minute an diesem Terminal: kurz warten.
error-refund-count = Sie haben Ihr Limit von { $count } Erstattungen in 24 Stunden erreicht: an einen Filialleiter wenden.
error-refund-amount-limit = Diese Erstattung würde Ihr 24-Stunden-Erstattungslimit von { $limit } überschreiten: an einen Filialleiter wenden.
error-not-an-email = Das sieht nicht wie eine E-Mail-Adresse aus.
error-no-receipt-to-email = Nur ein genehmigter Verkauf hat einen Beleg zum Versenden.
error-address-card-number = Das scheint eine Kartennummer zu enthalten. Kartennummern werden nie in das Terminal getippt.
error-test-card-needs-test-key = Testkarten funktionieren nur mit dem Testschlüssel des Gateways.
error-phone-order-needs-card = Eine Telefonbestellung braucht die Karte aus dem Kartenfenster des Gateways: Eine Karte kann dem Lesegerät nicht vorgelesen werden.
error-cad-on-reader = Zahlungen in kanadischen Dollar am Lesegerät brauchen Interac, das dieses Terminal noch nicht unterstützt. Nichts wurde belastet: diese Zahlung manuell erfassen.
error-last-four = Die letzten 4 sind vier Ziffern.
error-description-too-long = Die Beschreibung ist zu lang: höchstens { $max } Zeichen.
error-description-unprintable = Die Beschreibung darf keine Zeilenumbrüche oder Steuerzeichen enthalten.
error-description-card-number = Die Beschreibung scheint eine Kartennummer zu enthalten. Kartennummern werden nie in das Terminal getippt.
error-not-a-payment-method = Das ist keine Zahlungsmittel-Kennung (pm_…). Kartennummern werden nie in das Terminal eingegeben.
error-already-open = Dieser Datenordner ist bereits in einem anderen Merchant-Terminal-Fenster geöffnet, das nicht antwortet. Dieses Fenster schließen (oder seinen Prozess beenden) und neu starten.
error-no-home = Kein Datenordner: MERCHANT_TERMINAL_HOME setzen oder --home angeben.
error-ca-unreadable = Die zusätzliche CA-Datei konnte nicht gelesen werden oder ist größer, als eine CA-Datei sein kann.
error-unknown-time-zone = Unbekannte Zeitzone: einen Namen wie Europe/Berlin oder America/New_York verwenden.
error-in-doubt-in-period = Vor dem Tagesabschluss die { $count } unklaren Verkäufe oder Erstattungen klären.
error-no-such-closing = Einen Z-Bon mit dieser Nummer gibt es nicht.
error-shop-needs-live = Der Tag des ganzen Geschäfts wird beim Gateway gelesen: dafür braucht es den Echtbetrieb und den Gateway-Schlüssel des Geschäfts.
error-terminal-data-missing = Die Personal- und Audit-Daten dieses Terminals (terminal.sqlite3) fehlen. Niemand kann sich anmelden, bis sie zurück sind: den ganzen Datenordner aus einer Sicherung wiederherstellen. Ohne Sicherung kann der Inhaber ein neues Audit-Protokoll beginnen, belegt durch den auf diesem Terminal hinterlegten Gateway-Schlüssel.
error-terminal-data-replaced = Die Personal- und Audit-Daten dieses Terminals (terminal.sqlite3) wurden durch eine andere Datei ersetzt. Niemand kann sich anmelden, bis sie zurück sind: den ganzen Datenordner aus einer Sicherung wiederherstellen. Ohne Sicherung kann der Inhaber ein neues Audit-Protokoll beginnen, belegt durch den auf diesem Terminal hinterlegten Gateway-Schlüssel.
error-nothing-to-recover = Die Daten dieses Terminals sind vorhanden: Es gibt nichts wiederherzustellen.
error-no-owner-proof = Auf diesem Terminal ist kein Gateway-Schlüssel hinterlegt, daher belegt nichts, wer der Inhaber ist. Den Datenordner aus einer Sicherung wiederherstellen oder einen neuen Datenordner einrichten.
error-proof-mismatch = Das ist nicht der auf diesem Terminal hinterlegte Gateway-Schlüssel. Nichts wurde geändert.
error-not-confirmed = Ein neues Audit-Protokoll lässt sich nicht rückgängig machen: erneut mit --confirm ausführen.
error-shop-no-name = Das Geschäft braucht einen Namen: Er steht über jedem Beleg.
error-shop-too-long = Das Feld „{ $field }“ des Geschäfts ist zu lang: höchstens { $max } Zeichen, damit es in eine Belegzeile passt.
error-shop-too-many-lines = Die Adresse des Geschäfts hat mehr als { $max } Zeilen.
error-shop-unprintable = Das Feld „{ $field }“ des Geschäfts enthält ein nicht druckbares Zeichen (einen Zeilenumbruch oder ein Steuerzeichen).
error-shop-card-number = Das Feld „{ $field }“ des Geschäfts scheint eine Kartennummer zu enthalten. Kartennummern werden nie in das Terminal getippt.
shop-field-name = Name
shop-field-address = Adresse
shop-field-phone = Telefon
shop-field-tax-id = USt-IdNr.
shop-field-till = Kassenname
error-no-recipients = Kein Support-Empfänger eingerichtet (Einstellungen: support_recipients = ["age1…"]).
error-bad-recipient = Empfänger { $number } ist kein öffentlicher age-X25519-Schlüssel (age1…).
error-store-busy = Die Verkaufsdatenbank wird von einem anderen Programm benutzt.
error-store-rekeying = Die Verkaufsdatenbank erhält gerade von einem anderen Programm einen neuen Schlüssel; danach erneut versuchen.
error-store-open-elsewhere = Ein anderes Programm (die App oder merchantctl) hat die Verkaufsdatenbank geöffnet; es schließen, dann den Schlüssel wechseln.

## Schulungs- und Testkarten (das Kartenmenü der Kasse)

card-approve = Genehmigte Karte
card-generic-decline = Allgemeine Ablehnung
card-insufficient-funds = Keine ausreichende Deckung
card-expired = Abgelaufene Karte
card-processing-error = Verarbeitungsfehler
card-slow-reader = Langsames Lesegerät (genehmigt)
card-reader-timeout = Zeitüberschreitung am Lesegerät
card-test-visa = Test-Visa — genehmigt
card-test-visa-declined = Test-Visa — abgelehnt

cli-owner-created = Inhaber { $name } angelegt
cli-still-in-doubt = { $count ->
    [one] ein Verkauf noch unklar
   *[other] { $count } Verkäufe noch unklar
}
cli-reconciled = { $local } lokale(r) Verkauf/Verkäufe, { $gateway } beim Gateway, { $matched } übereinstimmend, { $differences } Abweichung(en)
cli-imported = { $count } Datensatz/Datensätze importiert
cli-time-zone = Zeitzone: { $zone }
cli-till-named = Kasse: { $till }
cli-back-office-on = Dieses Terminal ist jetzt ein Büroplatz: Berichte und der Tag des Geschäfts, keine Kasse.
cli-gateway-progress = Gateway wird gelesen: Tag { $done } von { $total }
cli-mode-training = Modus: Schulung
cli-mode-live = Modus: Echtbetrieb
cli-staff-added = { $name } als { $role } angelegt
cli-staff-unlocked = { $name } entsperrt
cli-staff-disabled = Deaktiviert: Dieses Konto kann sich erst nach erneuter Aktivierung anmelden.
cli-staff-enabled = Aktiviert: Dieses Konto kann sich wieder anmelden.
cli-csv-written = { $count } Zeile(n) in { $path } geschrieben
cli-bundle-preview = Vorschau
cli-bundle-sealed = versiegelt in { $path }
cli-recovery-code = Wiederherstellungscode (jetzt aufschreiben: er wird nur dieses eine Mal gezeigt):
    { $code }
    Bewahren Sie ihn getrennt von der Kasse auf. Mit ihm und einer Sicherung lässt sich dieses Terminal auf einem neuen Computer wiederherstellen.
cli-backup-made = Sicherung versiegelt in { $path } ({ $files } Dateien). Sie öffnet sich nur mit dem Wiederherstellungscode.
cli-restored = { $files } Dateien wiederhergestellt; das Prüfprotokoll läuft weiter. Als Nächstes: den Schlüssel des Zahlungsdienstes erneut eingeben (merchantctl gateway set-key), dann holen, was seit der Sicherung geschah (merchantctl reconcile --fix).
cli-key-rotated = Cache-Schlüssel v{ $from } -> v{ $to }: { $sales } Verkäufe und { $refunds } Erstattungen neu versiegelt; v{ $from } vernichtet
cli-recipients = Support-Pakete werden jetzt für { $count } Empfänger versiegelt
cli-gateway = Gateway: { $url }
cli-gateway-key-cleared = Der Gateway-Schlüssel wurde gelöscht (er war für die alte Adresse oder Zertifizierungsstelle geprüft): mit merchantctl gateway set-key erneut eingeben.
cli-gateway-key-saved = Gateway-Schlüssel { $key } im Schlüsselbund gespeichert.
cli-gateway-key-advice = Ein vollständiger geheimer Schlüssel funktioniert, empfohlen ist aber ein eingeschränkter Schlüssel (rk_) nur mit den Berechtigungen aus dem README.

## Rollen (auch die Wörter des Fensters)

role-cashier = Kassierer
role-manager = Filialleiter
role-support = Support

## The card window (phone and mail orders)
card-window-title = Telefonbestellung — Kartendaten
card-window-hint = Geben Sie die Karte ein, die der Kunde vorliest. Die Kartennummer bleibt beim Zahlungsdienst: Dieses Terminal sieht sie nie.
card-window-use = Diese Karte verwenden
card-window-cancel = Abbrechen
card-window-working = Die Karte wird beim Zahlungsdienst geprüft…
error-card-entry-not-configured = Telefonbestellungen sind nicht eingerichtet: Der veröffentlichbare Schlüssel des Zahlungsdienstes fehlt.
error-card-entry-mode-mismatch = Veröffentlichbarer und geheimer Schlüssel des Zahlungsdienstes gehören nicht zum selben Modus (Test oder Live).
error-card-entry-bad-setting = Der veröffentlichbare Schlüssel oder die Adresse der Kartenfelder ist ungültig.
error-card-entry-bad-hand-back = Das Kartenfenster hat etwas zurückgegeben, das keine Karte ist.
error-card-entry-cancelled = Das Kartenfenster wurde geschlossen: Es wurde keine Karte eingegeben.
error-card-entry-already-open = Das Kartenfenster ist schon offen.
error-card-entry-timed-out = Das Kartenfenster wurde geschlossen: Es war länger offen, als die Inaktivitätssperre erlaubt. Es wurde nichts belastet.
error-card-entry-unreachable = Die Kartenfelder des Zahlungsdienstes sind nicht erreichbar.

## Backups and the recovery kit
error-backup-no-kit = Es gibt noch kein Wiederherstellungs-Kit: Erstellen Sie zuerst eines (merchantctl recovery-kit issue).
error-backup-mistyped-code = Das ist kein Wiederherstellungscode: Prüfen Sie ihn auf dem Wiederherstellungsblatt.
error-backup-wrong-code = Dieser Wiederherstellungscode öffnet diese Sicherung nicht. Es wurde nichts wiederhergestellt.
error-backup-damaged = Die Sicherungsdatei ist beschädigt oder unvollständig. Es wurde nichts wiederhergestellt.
error-backup-other-terminal = Diese Sicherung gehört zu einem anderen Terminal als dem in diesem Datenordner. Es wurde nichts wiederhergestellt.
error-backup-not-empty = Dieser Datenordner enthält schon ein Terminal: Stellen Sie in einen leeren Ordner wieder her.
error-backup-in-use = Dieses Terminal wird bereits benutzt: Eine Sicherung wird nur auf einer neuen Installation wiederhergestellt.
error-backup-sheet-in-data-folder = Legen Sie das Wiederherstellungsblatt nicht im Datenordner des Terminals ab: Wählen Sie einen anderen Ort.
error-backup-keychain-has-key = Der Schlüsselbund enthält schon einen anderen Schlüssel für dieses Terminal. Es wurde nichts wiederhergestellt.
error-backup-interrupted = Eine Wiederherstellung in diesen Datenordner wurde unterbrochen: Führen Sie sie erneut aus.
recovery-sheet-title = Merchant Terminal - Wiederherstellungsblatt
recovery-sheet-terminal = Terminal { $id }
recovery-sheet-code = Wiederherstellungscode:
recovery-sheet-keep = Bewahren Sie dieses Blatt getrennt von der Kasse an einem sicheren Ort auf. Mit diesem Code und einer Sicherungsdatei lassen sich die Daten des Terminals auf einem neuen Computer wiederherstellen; ohne ihn öffnet sich keine Sicherung.
recovery-sheet-restore = Zum Wiederherstellen: Merchant Terminal auf dem neuen Computer installieren, dann ausführen: merchantctl restore DATEI, und diesen Code eingeben. Danach den Schlüssel des Zahlungsdienstes erneut eingeben und ausführen: merchantctl reconcile --fix.
