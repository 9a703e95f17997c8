# Die Wörter des Fensters: jeder Text der Kassenoberfläche, nach Bildschirm.
# Was der Kern schreibt (Belege, Berichte, Meldungen), steht in core.ftl.
# Dieselben IDs, Attribute und Variablen wie im Englischen.

## Gemeinsam

app-title = Merchant Terminal
back-to-counter = Zurück zur Kasse
error-internal = Im Terminal ist etwas schiefgegangen. Nichts wurde doppelt belastet; bitte erneut versuchen.

## Sprachen: jede in sich selbst geschrieben, in jeder Datei gleich

language-en = English
language-fr = Français
language-de = Deutsch
language-es = Español

## Sitzungsleiste

training-band = SCHULUNGSMODUS — KEINE ECHTEN ZAHLUNGEN
session-reports = Berichte
session-gateway = Gateway
session-staff = Personal & Audit
session-support = Support-Paket
session-lock = Sperren (F2)
session-alerts =
    { $count ->
        [one] ⚠ { $count } Warnung: siehe Personal & Audit
       *[other] ⚠ { $count } Warnungen: siehe Personal & Audit
    }
session-idle-locked = Der Bildschirm wurde nach Inaktivität gesperrt.

## PIN erneut

reauth-title = Bitte erneut Ihre PIN
reauth-pin = PIN
reauth-submit = Bestätigen
reauth-cancel = Abbrechen
reauth-not-entered = Nicht geändert: Die PIN wurde nicht eingegeben.

## Start

startup-error-title = Das Terminal kann nicht starten
startup-error-code = Code: { $code }
startup-already-open = Dieses Terminal ist bereits geöffnet
startup-data-missing = Die Aufzeichnungen dieses Terminals fehlen
startup-data-missing-next = Wenn Sie eine Sicherung und ihren Wiederherstellungscode haben: Verschieben Sie diesen Datenordner und führen Sie `merchantctl restore DATEI` aus (die Wiederherstellung erfolgt in einen leeren Ordner). Um ohne Sicherung ein neues Protokoll zu beginnen, führt der Inhaber auf diesem Computer `merchantctl setup recover --confirm` aus; dabei wird der Gateway-Schlüssel abgefragt.

## Anmelden

sign-in-title = Anmelden
sign-in-hint = Namen und PIN eingeben.
sign-in-name = Name
sign-in-pin = PIN (mindestens 6 Ziffern)
sign-in-pin-pad =
    .aria-label = PIN-Tastenfeld
sign-in-pin-clear =
    .aria-label = PIN löschen
sign-in-pin-back =
    .aria-label = Letzte Ziffer löschen
sign-in-button = Anmelden
sign-in-owner-title = Konto des Inhabers anlegen
sign-in-owner-hint = Dieses Terminal ist neu. Namen des Inhabers und eine PIN mit mindestens 6 Ziffern wählen.
sign-in-owner-button = Inhaber anlegen

## Status eines Verkaufs, wie ihn die Kasse anzeigt

status-word-approved = GENEHMIGT
status-word-authorized = AUTORISIERT
status-word-voided = STORNIERT
status-word-declined = ABGELEHNT
status-word-failed = NICHT BELASTET
status-word-cancelled = ABGEBROCHEN
status-word-in-doubt = UNKLAR

## Kasse

counter-sale-heading = Neuer Verkauf
counter-amount = Betrag
counter-currency =
    .aria-label = Währung
counter-keypad =
    .aria-label = Betrags-Tastenfeld
counter-key-decimal =
    .aria-label = Dezimaltrennzeichen
counter-key-back =
    .aria-label = Letzte Ziffer löschen
counter-description = Beschreibung (optional)
counter-simulated-card = Simulierte Karte am Lesegerät
counter-test-card = Testkarte (Testmodus des Gateways)
counter-authorize-only = Nur autorisieren — später buchen (Anzahlungen, Deckel)
counter-charge = Kassieren
counter-charge-hint = Enter kassiert · Esc bricht ab
counter-phone-order = Telefonbestellung…
counter-phone-wait = Geben Sie die Karte im Kartenfenster ein
counter-phone-wait-hint = Schließen des Kartenfensters bricht die Bestellung ab.
counter-present-card = Karte an das Lesegerät halten
counter-cancel = Abbrechen (Esc)
counter-training-note = SCHULUNG — KEINE ZAHLUNG
counter-resolve = Jetzt klären
counter-retry = Erneut versuchen
counter-result-receipt = Beleg
counter-new-sale = Neuer Verkauf (Enter)
counter-resolved = Geklärt: Den Status des Verkaufs in der Tagesliste ansehen.
counter-still-in-doubt = Weiterhin unklar: Der Zahlungsdienst kann noch nicht abgefragt werden. In einer Minute erneut versuchen. Nicht erneut kassieren.
counter-next-gateway-unreachable = Der Zahlungsdienst ist nicht erreichbar. Die Internetverbindung des Geschäfts prüfen, dann erneut versuchen.
counter-next-processing-error = Beim Zahlungsdienst ist ein Problem aufgetreten. Erneut versuchen.
counter-next-rate-limited = Der Zahlungsdienst ist ausgelastet. Einige Sekunden warten, dann erneut versuchen.
counter-next-reader-timeout = Es wurde nicht rechtzeitig eine Karte vorgelegt. Erneut versuchen.
counter-next-reader-offline = Das Kartenlesegerät ist offline: Stromversorgung und Netzwerk prüfen, dann erneut versuchen.
counter-next-key-rejected = Der Zahlungsdienst hat den Schlüssel dieses Terminals abgelehnt. Einen Filialleiter bitten, einen neuen Schlüssel einzugeben; nicht erneut versuchen.
counter-next-permission-missing = Dem Schlüssel des Terminals fehlt eine Berechtigung. An einen Filialleiter wenden; nicht erneut versuchen.
counter-next-tls-failure = Die sichere Verbindung ist fehlgeschlagen. An einen Filialleiter wenden; nicht erneut versuchen.
counter-next-outcome-unknown = „Jetzt klären“ drücken und dem Kunden sagen, dass die Zahlung geprüft wird.

## Kasse: die Verkaufsliste

counter-sales-heading = Verkäufe
counter-search =
    .aria-label = Verkäufe suchen
counter-search-day = Tag
counter-search-status = Status
counter-search-any = alle
counter-search-approved = genehmigt
counter-search-authorized = autorisiert
counter-search-declined = abgelehnt
counter-search-failed = nicht belastet
counter-search-voided = storniert
counter-search-in-doubt = unklar
counter-search-last4 = Letzte 4
counter-search-amount = Betrag
counter-search-staff = Personal
counter-search-button = Suchen
counter-list-hint = Tab zu einem Verkauf · R erstattet ihn · Enter zeigt seinen Beleg · F4 erstattet den letzten Verkauf
counter-row-refund = Erstatten
counter-row-refund-label = { $amount } erstatten
counter-row-capture = Buchen
counter-row-capture-label = { $amount } buchen oder stornieren
counter-row-receipt = Beleg
counter-row-receipt-label = Beleg über { $amount }
# $approved von $count aufgelisteten Verkäufen genehmigt; die Tagessummen können folgen.
counter-summary = { $approved } von { $count } genehmigt
counter-holds =
    { $count ->
        [one] { $count } Autorisierung wartet auf Buchung oder Storno; sie verfällt in { $days ->
            [one] { $days } Tag
           *[other] { $days } Tagen
        }.
       *[other] { $count } Autorisierungen warten auf Buchung oder Storno; die älteste verfällt in { $days ->
            [one] { $days } Tag
           *[other] { $days } Tagen
        }.
    }

## Kasse: Erstattung, Beleg und Autorisierung

counter-close = Schließen (Esc)
counter-refund-title = Erstatten
counter-refund-amount = Betrag (bis zu { $amount })
counter-refund-reason = Grund
counter-refund-reason-customer = Auf Kundenwunsch
counter-refund-reason-duplicate = Doppelt
counter-refund-reason-fraudulent = Betrügerisch
counter-refund-note = Notiz (optional)
counter-refund-approval = Freigabe durch den Filialleiter
counter-refund-approver-name = Name des Filialleiters
counter-refund-approver-pin = PIN des Filialleiters
counter-refund-submit = Auf die ursprüngliche Karte erstatten
counter-refund-receipt = Erstattungsbeleg
# $message: was der Kern zur Erstattung sagt.
counter-refund-done = { $message } { $amount } erstattet; { $left } verbleiben.
counter-receipt-title = Beleg
counter-receipt-refund-title = Erstattungsbeleg
counter-receipt-copy = Exemplar
counter-receipt-copy-customer = Kundenbeleg
counter-receipt-copy-merchant = Händlerbeleg
counter-receipt-email = Dem Kunden per E-Mail senden (das Gateway sendet sie; die Adresse wird nicht gespeichert)
counter-receipt-print = Drucken
counter-receipt-send = Senden
counter-receipt-saved = Gespeichert als { $path }.
counter-receipt-emailed = Der Zahlungsdienst sendet den Beleg per E-Mail.
counter-capture-title = Autorisierung
counter-capture-amount = Zu buchender Betrag (höchstens der autorisierte Betrag)
counter-capture-submit = Buchen
counter-capture-void = Stornieren — Reservierung aufheben
counter-capture-sale = Autorisiert { $amount } — { $card }

## Berichte

reports-toolbar =
    .aria-label = Berichtszeitraum und Aktionen
reports-from = Von
reports-to = Bis
reports-show = Anzeigen
reports-x = X-Bericht
reports-close-day = Tagesabschluss (Z)
reports-close-day-confirm = Bestätigen: Tag abschließen
reports-close-day-warn = Der Tagesabschluss nummeriert den Tag und friert seine Zahlen ein. Zum Bestätigen erneut drücken.
reports-csv = CSV exportieren
reports-reconcile = Abgleichen
reports-print = Drucken
reports-back = Zurück
reports-title = Berichte
reports-empty = Keine Verkäufe oder Erstattungen in diesem Zeitraum.
reports-import = Übernehmen, was das Gateway hat
reports-gross = Bruttoumsatz
reports-refunds = Erstattungen
reports-net = Netto
reports-average = Durchschnittsbon
reports-held = Reserviert, nicht gebucht
reports-voided-declined = Storniert · abgelehnt
reports-in-doubt = Unklar
# Ein Balken des Diagramms: eine Stunde oder ein Tag, sein Netto und seine Verkäufe.
reports-chart-tip =
    { $count ->
        [one] { $label }: { $amount } netto, { $count } Verkauf
       *[other] { $label }: { $amount } netto, { $count } Verkäufe
    }
reports-chart-by-hour = Netto { $currency } nach Stunde ({ $zone })
reports-chart-by-day = Netto { $currency } nach Tag ({ $zone })
reports-by-brand = Nach Kartenmarke
reports-by-staff = Nach Personal
reports-col-sales = Verkäufe
reports-col-gross = Brutto
reports-col-refunds = Erstattungen
reports-col-net = Netto
reports-range = { $from } bis { $to }
reports-day-title = Tagesansicht · { $range }
reports-day-figures = Zahlen für { $range } ({ $zone }).
reports-x-title = X-Bericht · seit dem letzten Tagesabschluss
reports-x-done = X-Bericht: Es wurde nichts abgeschlossen.
reports-z-title = Z-Bon Nr. { $number }
reports-z-closed = Tag abgeschlossen als Z-Bon Nr. { $number }. Gespeichert als { $path }.
reports-csv-done =
    { $count ->
        [one] { $count } Zeile nach { $path } exportiert.
       *[other] { $count } Zeilen nach { $path } exportiert.
    }
reports-asking = Gateway wird abgefragt …
reports-shop = Geschäft (alle Kassen)
reports-by-till = Nach Kasse
reports-till-differs = Eigene Daten dieser Kasse: { $gross } ({ $count })
reports-shop-reading = Verkäufe aller Kassen werden beim Gateway gelesen …
reports-shop-title = Geschäft, alle Kassen · { $range }
reports-shop-done = Zahlen aller Kassen für { $range }, laut Gateway.
reports-shop-differs = Die eigenen Daten dieser Kasse weichen vom Gateway ab: siehe markierte Zeile, dann abgleichen.
reports-reconciled =
    { $matched ->
        [one] Abgeglichen: { $matched } Zahlung stimmt mit dem Gateway überein.
       *[other] Abgeglichen: { $matched } Zahlungen stimmen mit dem Gateway überein.
    }
reports-differences =
    { $count ->
        [one] { $count } Abweichung
       *[other] { $count } Abweichungen
    } zum Gateway; { $matched ->
        [one] { $matched } Zahlung stimmt überein.
       *[other] { $matched } Zahlungen stimmen überein.
    }
reports-imported =
    { $count ->
        [one] { $count } Datensatz vom Gateway übernommen.
       *[other] { $count } Datensätze vom Gateway übernommen.
    }
# Eine Abweichung zum Gateway: ihre Art, der Verkauf, was jede Seite hat.
reports-mismatch = { $kind }: Verkauf { $sale } · hier: { $local } · Gateway: { $gateway }
reports-nothing = nichts
reports-mismatch-missing-locally = fehlt hier
reports-mismatch-missing-at-gateway = fehlt beim Gateway
reports-mismatch-amount-differs = Betrag weicht ab
reports-mismatch-status-differs = Status weicht ab
reports-mismatch-refund-missing-locally = Erstattung fehlt hier
reports-mismatch-refund-missing-at-gateway = Erstattung fehlt beim Gateway
reports-mismatch-audit-trail-differs = Audit-Protokoll weicht ab

## Gateway und Modus

setup-title = Gateway und Modus
setup-mode-label = Modus:
setup-mode-live = LIVE — echte Zahlungen
setup-mode-training = SCHULUNG — keine echten Zahlungen
setup-switch-live = Zu Live wechseln
setup-switch-training = Zur Schulung wechseln
setup-switch-confirm-live = Bestätigen: zu Live wechseln
setup-switch-confirm-training = Bestätigen: zur Schulung wechseln
setup-switch-warn-live = Im Live-Modus werden echte Zahlungen kassiert. Zum Bestätigen erneut drücken.
setup-switch-warn = Zum Bestätigen erneut drücken.
setup-now-live = Jetzt im Live-Modus.
setup-now-training = Jetzt im Schulungsmodus.
setup-base-url = Gateway-Adresse (nur https; Stripe: https://api.stripe.com/)
setup-extra-ca = Zusätzliche vertrauenswürdige CA (Pfad einer PEM-Datei; für einen Test- oder Firmen-TLS-Proxy)
setup-reader = Kartenlesegerät
setup-find-readers = Lesegeräte suchen
setup-reader-online = online
setup-reader-offline = offline
setup-choose-reader = Ein Lesegerät wählen, dann speichern.
setup-no-readers = Keine Lesegeräte für dieses Konto.
setup-omit-reason = Das Gateway lehnt einen Erstattungsgrund ab (manche Stripe-kompatiblen Testserver)
setup-publishable-key = Veröffentlichbarer Schlüssel (pk_…) für Telefonbestellungen
setup-moto = Das Konto darf Telefonbestellungen als MOTO kennzeichnen (bei Stripe freischalten lassen)
setup-save = Gateway-Einstellungen speichern
setup-gateway-saved = Gateway-Einstellungen gespeichert.
setup-key = Neuen Schlüssel einfügen (wird beim Gateway geprüft, im Schlüsselbund des Systems aufbewahrt und nie wieder angezeigt)
setup-save-key = Schlüssel prüfen und speichern
setup-remove-key = Schlüssel entfernen
setup-no-key = Kein Schlüssel: Der Live-Modus kann erst kassieren, wenn ein Schlüssel gespeichert ist.
# $masked: der Schlüssel wie angezeigt, z. B. sk_test_…al01; $live und $restricted: yes oder no.
setup-key-state =
    Schlüssel { $masked } ({ $live ->
        [yes] live
       *[no] Testmodus
    }, { $restricted ->
        [yes] eingeschränkt
       *[no] vollständiger geheimer Schlüssel
    }).
setup-key-advice = Ein vollständiger geheimer Schlüssel funktioniert; empfohlen wird ein eingeschränkter Schlüssel (rk_…) mit nur den im README aufgeführten Berechtigungen.
setup-paste-first = Zuerst den Schlüssel einfügen.
setup-checking-key = Schlüssel wird beim Gateway geprüft …
setup-key-saved = Schlüssel geprüft und im Schlüsselbund gespeichert. Er wird nicht wieder angezeigt.
setup-key-removed = Schlüssel entfernt.
setup-keys = Schlüssel
setup-rotate = Cache-Schlüssel erneuern
setup-recipients = Support-Pakete werden versiegelt für (öffentliche age-Schlüssel, einer pro Zeile)
setup-owner-recipient = Ihr eigener age-Schlüssel, um auch Ihre Exporte zu lesen (optional)
setup-save-recipients = Empfänger speichern
setup-cache-key =
    { $rows ->
        [one] Cache-Schlüssel v{ $version } versiegelt { $rows } Datensatz.
       *[other] Cache-Schlüssel v{ $version } versiegelt { $rows } Datensätze.
    }
# $list: frühere Versionen mit ihrem Zustand, z. B. „v1 vernichtet, v2 ausgemustert“.
setup-cache-earlier = Frühere: { $list }.
setup-cache-unavailable = Der Cache-Schlüssel ist nicht verfügbar.
setup-key-current = aktuell
setup-key-retiring = wird ausgemustert
setup-key-retired = ausgemustert
setup-key-destroyed = vernichtet
setup-resealing = Alle Datensätze werden mit einem neuen Schlüssel neu versiegelt …
setup-rotated =
    Cache-Schlüssel auf v{ $to } erneuert: { $sales ->
        [one] { $sales } Verkauf
       *[other] { $sales } Verkäufe
    } und { $refunds ->
        [one] { $refunds } Erstattung
       *[other] { $refunds } Erstattungen
    } neu versiegelt; v{ $from } vernichtet.
setup-rotated-plain = Cache-Schlüssel erneuert.
setup-recipients-saved =
    { $count ->
        [one] Support-Pakete werden jetzt für { $count } Schlüssel versiegelt.
       *[other] Support-Pakete werden jetzt für { $count } Schlüssel versiegelt.
    }

## Personal, Limits und Audit-Protokoll

staff-title = Personal, Limits und Audit-Protokoll
staff-alerts = Warnungen
staff-staff = Personal
staff-col-name = Name
staff-col-role = Rolle
staff-col-state = Zustand
staff-col-wrong-pins = Falsche PINs
staff-col-actions = Aktionen
staff-state-active = aktiv
staff-state-locked = gesperrt
staff-state-disabled = deaktiviert
staff-disable = Deaktivieren
staff-enable = Aktivieren
staff-unlock = Entsperren
staff-reset-pin = PIN zurücksetzen
staff-disable-for = { $name } deaktivieren
staff-enable-for = { $name } aktivieren
staff-unlock-for = { $name } entsperren
staff-reset-pin-for = PIN von { $name } zurücksetzen
staff-new-pin-for = Neue PIN für { $name }
staff-disabled = { $name } deaktiviert.
staff-enabled = { $name } aktiviert.
staff-unlocked = { $name } entsperrt.
staff-pin-reset = Die PIN von { $name } wurde zurückgesetzt.
staff-add-name = Name
staff-add-role = Rolle
staff-add-pin = PIN (6+ Ziffern)
staff-add-button = Hinzufügen
staff-added = { $name } hinzugefügt.
staff-limits = Limits
staff-limit-approval-above = Erstattungen brauchen einen Filialleiter ab
staff-limit-refund-count = Erstattungen pro Kassierer und Tag
staff-limit-refund-amount = Erstattungsbetrag pro Kassierer und Tag
staff-limit-charges-per-minute = Zahlungen pro Minute
staff-limit-idle-lock = Sperren nach Inaktivität (Minuten, ≤ 15)
staff-limit-cashier-phone-orders = Kassierer dürfen Telefonbestellungen annehmen
staff-alert-declines = Warnung: Ablehnungen
staff-alert-decline-window = … innerhalb von Minuten
staff-alert-refund-limit = Warnung: Erstattungslimit ausgeschöpft (%)
staff-alert-wrong-pins = Warnung: falsche PINs pro Stunde
staff-alert-quick-refund = Warnung: Erstattung innerhalb von Minuten nach der Zahlung
staff-alert-backup-stale = Warnung: keine Sicherung seit Tagen
staff-limits-save = Limits speichern
staff-limits-saved = Limits gespeichert.
staff-shop = Geschäft
staff-shop-name = Name
staff-shop-address = Adresse (je Zeile eine)
staff-shop-phone = Telefon
staff-shop-tax-id = USt-IdNr.
staff-shop-till = Name dieser Kasse
staff-shop-paper = Belegpapier
staff-paper-a4 = A4
staff-paper-80mm = 80-mm-Rolle
staff-paper-58mm = 58-mm-Rolle
staff-shop-save = Geschäftsdaten speichern
staff-shop-saved = Geschäftsdaten gespeichert: Belege und Berichte drucken sie ab jetzt.
staff-language = Sprache des Geschäfts
staff-save-language = Sprache speichern
# In der gerade gewählten Sprache gesagt.
staff-language-saved = Sprache gespeichert: Das Terminal spricht jetzt Deutsch, am Bildschirm wie auf Belegen und Berichten.
staff-audit = Audit-Protokoll
audit-filter-action = Aktion
audit-filter-staff = Personal
audit-filter-outcome = Ergebnis
audit-any = alle
audit-filter = Filtern
audit-verify = Kette prüfen
audit-col-seq = Nr.
audit-col-when = Wann
audit-col-who = Wer
audit-col-action = Aktion
audit-col-outcome = Ergebnis
audit-col-object = Objekt
audit-col-detail = Detail
audit-intact =
    { $count ->
        [one] Das Audit-Protokoll ist intakt: { $count } Eintrag geprüft.
       *[other] Das Audit-Protokoll ist intakt: { $count } Einträge geprüft.
    }
audit-truncated = Das Audit-Protokoll endet bei Eintrag { $last }, hatte aber schon Eintrag { $anchor } erreicht (laut Schlüsselbund oder Gateway): Einträge wurden entfernt oder ersetzt. Dieses Terminal unverändert lassen und den Support anrufen.
audit-broken = Das Audit-Protokoll ist bei Eintrag { $seq } unterbrochen. Dieses Terminal unverändert lassen und den Support anrufen.

## Audit-Protokoll: Aktionen

audit-action-sign-in = Anmeldung
audit-action-sign-out = Abmeldung
audit-action-pin-failed = falsche PIN
audit-action-lockout = Sperre
audit-action-unlock = Entsperrung
audit-action-charge = Zahlung
audit-action-capture = Buchung
audit-action-void = Storno
audit-action-refund = Erstattung
audit-action-refund-approval = Erstattungsfreigabe
audit-action-resolve-in-doubt = Klärung unklarer Zahlungen
audit-action-gateway-key-set = Gateway-Schlüssel gesetzt
audit-action-gateway-key-removed = Gateway-Schlüssel entfernt
audit-action-gateway-configured = Gateway eingerichtet
audit-action-mode-switch = Moduswechsel
audit-action-staff-created = Personal angelegt
audit-action-staff-changed = Personal geändert
audit-action-settings-changed = Einstellungen geändert
audit-action-export = Export
audit-action-permission-denied = Berechtigung verweigert
audit-action-close-day = Tagesabschluss
audit-action-report-export = Berichtsexport
audit-action-reconcile-import = Übernahme beim Abgleich
audit-action-receipt-emailed = Beleg per E-Mail
audit-action-cache-key-rotated = Cache-Schlüssel erneuert
audit-action-support-recipients-changed = Support-Empfänger geändert
audit-action-setup-recovered = Einrichtung wiederhergestellt
audit-action-recovery-kit-issued = Wiederherstellungs-Kit ausgegeben
audit-action-backup-made = Sicherung erstellt
audit-action-restored = aus einer Sicherung wiederhergestellt

## Audit-Protokoll: Ergebnisse

audit-outcome-ok = ok
audit-outcome-denied = verweigert
audit-outcome-refused = abgewiesen
audit-outcome-rejected = zurückgewiesen
audit-outcome-failed = fehlgeschlagen
audit-outcome-rate-limited = zu viele Anfragen
audit-outcome-needs-approval = Freigabe nötig
audit-outcome-limit-reached = Limit erreicht
audit-outcome-bound = gebunden
audit-outcome-locked = gesperrt
audit-outcome-slow-down = langsamer
audit-outcome-idle = inaktiv
audit-outcome-no-longer-active = nicht mehr aktiv
audit-outcome-recovered = wiederhergestellt
audit-outcome-pending = ausstehend
audit-outcome-in-doubt = unklar
audit-outcome-approved = genehmigt
audit-outcome-authorized = autorisiert
audit-outcome-declined = abgelehnt
audit-outcome-cancelled = abgebrochen
audit-outcome-voided = storniert
audit-outcome-captured = gebucht
audit-outcome-refunded = erstattet
audit-outcome-succeeded = erfolgreich
audit-outcome-capture-or-void-not-done = weder gebucht noch storniert
audit-outcome-authorisation-expired = Autorisierung abgelaufen

## Support-Paket

support-title = Support-Paket
support-hint = Protokolle (bereinigt), das Audit-Protokoll und Zustandsprüfungen — niemals Verkaufsdaten —, so versiegelt, dass nur das Support-Team sie öffnen kann. Den Inhalt prüfen, dann versiegeln.
support-preview = Inhalt anzeigen
support-export = Versiegeln und speichern
support-collecting = Wird gesammelt …
support-sealing = Wird versiegelt …
support-file =
    { $bytes ->
        [one] { $path } — { $bytes } Byte
       *[other] { $path } — { $bytes } Bytes
    }
support-previewed =
    { $files ->
        [one] { $files } Datei wird
       *[other] { $files } Dateien werden
    } für { $recipients ->
        [one] { $recipients } Empfänger versiegelt.
       *[other] { $recipients } Empfänger versiegelt.
    }
support-sealed = Versiegelt und gespeichert unter { $path }. Diese Datei an den Support senden.

backups-title = Sicherungen
backups-issue-kit = Neues Wiederherstellungs-Kit
backups-folder = In diesen Ordner sichern
backups-now = Jetzt sichern
backups-never = nie
backups-last = Neueste Sicherung: { $when }.
backups-kit-yes = Ein Wiederherstellungs-Kit ist vorhanden.
backups-kit-no = Es gibt noch kein Wiederherstellungs-Kit: Erstellen Sie eines vor der Sicherung.
backups-kit-code = Wiederherstellungscode (jetzt aufschreiben: er wird nur dieses eine Mal gezeigt): { $code }
backups-folder-first = Geben Sie zuerst den Ordner für die Sicherung ein.
backups-working = Sicherung läuft…
backups-done = Sicherung geschrieben. Sie öffnet sich nur mit dem Wiederherstellungscode.
backups-daily = Dort auch täglich sichern
recovery-title = Ihr Wiederherstellungscode
recovery-hint = Schreiben Sie ihn jetzt auf und bewahren Sie ihn getrennt von der Kasse auf: Er wird nur dieses eine Mal gezeigt. Mit ihm und einer Sicherung lässt sich dieses Terminal auf einem neuen Computer wiederherstellen.
recovery-done = Ich habe ihn aufgeschrieben
sheet-file = Zum Drucken das Wiederherstellungsblatt (PDF) speichern unter
sheet-save = Blatt speichern
sheet-file-first = Geben Sie an, wo das Blatt gespeichert wird (ein vollständiger Pfad auf .pdf).
sheet-saved = Gespeichert, nur für diesen Benutzer des Computers lesbar. Drucken Sie es und löschen Sie dann die Datei.
restore-open = Aus einer Sicherung wiederherstellen…
restore-title = Aus einer Sicherung wiederherstellen
restore-hint = Für eine Kasse auf einem neuen Computer: die Sicherungsdatei und der Wiederherstellungscode, der beim Anlegen ihres Kits notiert wurde.
restore-file = Sicherungsdatei (vollständiger Pfad)
restore-code = Wiederherstellungscode
restore-cancel = Abbrechen
restore-go = Wiederherstellen
restore-file-first = Geben Sie den vollständigen Pfad der Sicherungsdatei ein.
restore-step = Wiederherstellung: Schritt { $done } von { $total }…
restore-done = Die Sicherung vom { $when } ist wiederhergestellt. Melden Sie sich mit Namen und PIN an, geben Sie den Gateway-Schlüssel erneut ein (Gateway) und gleichen Sie die Tage seit der Sicherung ab, um deren Verkäufe zu übernehmen.
