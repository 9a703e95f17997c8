# Les mots de la fenêtre : chaque texte de l'interface du comptoir, par
# écran. Ce que le cœur écrit (tickets, rapports, messages) est dans
# core.ftl. Mêmes identifiants, attributs et variables qu'en anglais.

## Commun

app-title = Merchant Terminal
back-to-counter = Retour au comptoir
error-internal = Un problème est survenu dans le terminal. Rien n'a été débité deux fois ; réessayez.

## Langues : chacune écrite dans sa propre langue, identique dans chaque fichier

language-en = English
language-fr = Français
language-de = Deutsch
language-es = Español

## Barre de session

training-band = MODE FORMATION — AUCUN PAIEMENT RÉEL
session-reports = Rapports
session-gateway = Passerelle
session-staff = Personnel et audit
session-support = Dossier d'assistance
session-lock = Verrouiller (F2)
session-alerts =
    { $count ->
        [one] ⚠ { $count } alerte : voir Personnel et audit
       *[other] ⚠ { $count } alertes : voir Personnel et audit
    }
session-idle-locked = L'écran s'est verrouillé après une période d'inactivité.

## Code PIN à nouveau

reauth-title = Votre code PIN à nouveau
reauth-pin = Code PIN
reauth-submit = Confirmer
reauth-cancel = Annuler
reauth-not-entered = Rien n'a changé : le code PIN n'a pas été saisi.

## Démarrage

startup-error-title = Le terminal ne peut pas démarrer
startup-error-code = code : { $code }
startup-already-open = Ce terminal est déjà ouvert
startup-data-missing = Les registres de ce terminal sont introuvables
startup-data-missing-next = Si vous avez une sauvegarde et son code de récupération : mettez ce dossier de données de côté et lancez `merchantctl restore FICHIER` (la restauration se fait dans un dossier vide). Pour commencer un nouveau journal sans sauvegarde, le propriétaire exécute `merchantctl setup recover --confirm` sur cet ordinateur ; la clé de passerelle lui sera demandée.

## Connexion

sign-in-title = Connexion
sign-in-hint = Saisissez votre nom et votre code PIN.
sign-in-name = Nom
sign-in-pin = Code PIN (6 chiffres au moins)
sign-in-pin-pad =
    .aria-label = Pavé du code PIN
sign-in-pin-clear =
    .aria-label = Effacer le code PIN
sign-in-pin-back =
    .aria-label = Effacer le dernier chiffre
sign-in-button = Se connecter
sign-in-owner-title = Créer le compte du propriétaire
sign-in-owner-hint = Ce terminal est neuf. Choisissez le nom du propriétaire et un code PIN d'au moins 6 chiffres.
sign-in-owner-button = Créer le propriétaire

## États d'une vente, tels que le caissier les lit

status-word-approved = ACCEPTÉ
status-word-authorized = AUTORISÉ
status-word-voided = ANNULÉ
status-word-declined = REFUSÉ
status-word-failed = NON DÉBITÉ
status-word-cancelled = INTERROMPU
status-word-in-doubt = INCERTAIN

## Comptoir

counter-sale-heading = Nouvelle vente
counter-amount = Montant
counter-currency =
    .aria-label = Devise
counter-keypad =
    .aria-label = Pavé numérique du montant
counter-key-decimal =
    .aria-label = Séparateur décimal
counter-key-back =
    .aria-label = Effacer le dernier chiffre
counter-description = Description (facultatif)
counter-simulated-card = Carte simulée sur le lecteur
counter-test-card = Carte de test (mode test de la passerelle)
counter-authorize-only = Autoriser seulement — débiter plus tard (acomptes, ardoises)
counter-charge = Encaisser
counter-charge-hint = Entrée encaisse · Échap annule
counter-phone-order = Commande par téléphone…
counter-phone-wait = Saisissez la carte dans la fenêtre de carte
counter-phone-wait-hint = Fermer la fenêtre de carte annule la commande.
counter-present-card = Présentez la carte sur le lecteur
counter-cancel = Annuler (Échap)
counter-training-note = FORMATION — CE N'EST PAS UN PAIEMENT
counter-resolve = Vérifier maintenant
counter-retry = Réessayer
counter-result-receipt = Ticket
counter-new-sale = Nouvelle vente (Entrée)
counter-resolved = Vérifié : voyez l'état de la vente dans la liste du jour.
counter-still-in-doubt = Toujours incertain : le service de paiement ne peut pas encore être interrogé. Réessayez dans une minute. N'encaissez pas à nouveau.
counter-next-gateway-unreachable = Le service de paiement est injoignable. Vérifiez la connexion internet du magasin, puis réessayez.
counter-next-processing-error = Le service de paiement a rencontré un problème. Réessayez.
counter-next-rate-limited = Le service de paiement est saturé. Attendez quelques secondes, puis réessayez.
counter-next-reader-timeout = Aucune carte n'a été présentée à temps. Réessayez.
counter-next-reader-offline = Le lecteur de carte est hors ligne : vérifiez son alimentation et son réseau, puis réessayez.
counter-next-key-rejected = Le service de paiement a refusé la clé de ce terminal. Demandez à un responsable de saisir une nouvelle clé ; ne réessayez pas.
counter-next-permission-missing = Il manque une autorisation à la clé du terminal. Adressez-vous à un responsable ; ne réessayez pas.
counter-next-tls-failure = La connexion sécurisée a échoué. Adressez-vous à un responsable ; ne réessayez pas.
counter-next-outcome-unknown = Appuyez sur Vérifier maintenant et dites au client que vous vérifiez le paiement.

## Comptoir : la liste des ventes

counter-sales-heading = Ventes
counter-search =
    .aria-label = Rechercher des ventes
counter-search-day = Jour
counter-search-status = État
counter-search-any = tous
counter-search-approved = accepté
counter-search-authorized = autorisé
counter-search-declined = refusé
counter-search-failed = non débité
counter-search-voided = annulé
counter-search-in-doubt = incertain
counter-search-last4 = 4 derniers chiffres
counter-search-amount = Montant
counter-search-staff = Employé
counter-search-button = Rechercher
counter-list-hint = Tab pour aller à une vente · R la rembourse · Entrée affiche son ticket · F4 rembourse la dernière vente
counter-row-refund = Rembourser
counter-row-refund-label = Rembourser { $amount }
counter-row-capture = Débiter
counter-row-capture-label = Débiter ou annuler { $amount }
counter-row-receipt = Ticket
counter-row-receipt-label = Ticket de { $amount }
# $approved ventes acceptées sur $count listées ; les totaux du jour peuvent suivre.
counter-summary =
    { $approved ->
        [one] { $approved } acceptée sur { $count }
       *[other] { $approved } acceptées sur { $count }
    }
counter-holds =
    { $count ->
        [one] { $count } autorisation attend d'être débitée ou annulée ; elle expire dans { $days ->
            [one] { $days } jour
           *[other] { $days } jours
        }.
       *[other] { $count } autorisations attendent d'être débitées ou annulées ; la plus ancienne expire dans { $days ->
            [one] { $days } jour
           *[other] { $days } jours
        }.
    }

## Comptoir : remboursement, ticket et autorisation

counter-close = Fermer (Échap)
counter-refund-title = Rembourser
counter-refund-amount = Montant (jusqu'à { $amount })
counter-refund-reason = Motif
counter-refund-reason-customer = À la demande du client
counter-refund-reason-duplicate = Doublon
counter-refund-reason-fraudulent = Frauduleux
counter-refund-note = Note (facultatif)
counter-refund-approval = Validation d'un responsable
counter-refund-approver-name = Nom du responsable
counter-refund-approver-pin = Code PIN du responsable
counter-refund-submit = Rembourser sur la carte d'origine
counter-refund-receipt = Ticket de remboursement
# $message : ce que le cœur dit du remboursement.
counter-refund-done = { $message } { $amount } remboursé ; reste { $left }.
counter-receipt-title = Ticket
counter-receipt-refund-title = Ticket de remboursement
counter-receipt-copy = Exemplaire
counter-receipt-copy-customer = Exemplaire client
counter-receipt-copy-merchant = Exemplaire commerçant
counter-receipt-email = Envoyer au client par e-mail (la passerelle l'envoie ; l'adresse n'est pas conservée)
counter-receipt-print = Imprimer
counter-receipt-send = Envoyer
counter-receipt-saved = Enregistré sous { $path }.
counter-receipt-emailed = Le service de paiement enverra le ticket par e-mail.
counter-capture-title = Autorisation
counter-capture-amount = Montant à débiter (au plus le montant autorisé)
counter-capture-submit = Débiter
counter-capture-void = Annuler — lever le blocage
counter-capture-sale = Autorisé { $amount } — { $card }

## Rapports

reports-toolbar =
    .aria-label = Période et actions du rapport
reports-from = Du
reports-to = Au
reports-show = Afficher
reports-x = Rapport X
reports-close-day = Clôture de caisse (Z)
reports-close-day-confirm = Confirmer : clôturer la journée
reports-close-day-warn = La clôture numérote la journée et fige ses chiffres. Appuyez à nouveau pour confirmer.
reports-csv = Exporter en CSV
reports-reconcile = Rapprocher
reports-print = Imprimer
reports-back = Retour
reports-title = Rapports
reports-empty = Aucune vente ni aucun remboursement sur cette période.
reports-import = Importer ce que la passerelle détient
reports-gross = Ventes brutes
reports-refunds = Remboursements
reports-net = Net
reports-average = Panier moyen
reports-held = Autorisé, non débité
reports-voided-declined = Annulées · refusées
reports-in-doubt = Incertaines
# Une barre du graphique : une heure ou un jour, son net et ses ventes.
reports-chart-tip =
    { $count ->
        [one] { $label } : { $amount } net, { $count } vente
       *[other] { $label } : { $amount } net, { $count } ventes
    }
reports-chart-by-hour = Net { $currency } par heure ({ $zone })
reports-chart-by-day = Net { $currency } par jour ({ $zone })
reports-by-brand = Par réseau de carte
reports-by-staff = Par employé
reports-col-sales = Ventes
reports-col-gross = Brut
reports-col-refunds = Remboursements
reports-col-net = Net
reports-range = du { $from } au { $to }
reports-day-title = Vue du jour · { $range }
reports-day-figures = Chiffres pour { $range } ({ $zone }).
reports-x-title = Rapport X · depuis la dernière clôture
reports-x-done = Rapport X : rien n'a été clôturé.
reports-z-title = Ticket Z N° { $number }
reports-z-closed = Journée clôturée : ticket Z N° { $number }. Enregistré sous { $path }.
reports-csv-done =
    { $count ->
        [one] { $count } ligne exportée vers { $path }.
       *[other] { $count } lignes exportées vers { $path }.
    }
reports-asking = Interrogation de la passerelle…
reports-shop = Boutique (toutes les caisses)
reports-by-till = Par caisse
reports-till-differs = Données de cette caisse : { $gross } ({ $count })
reports-shop-reading = Lecture des ventes de toutes les caisses à la passerelle…
reports-shop-title = Boutique, toutes les caisses · { $range }
reports-shop-done = Chiffres de toutes les caisses pour { $range }, selon la passerelle.
reports-shop-differs = Les données de cette caisse diffèrent de la passerelle : voir la ligne marquée, puis rapprocher.
reports-reconciled =
    { $matched ->
        [one] Rapproché : { $matched } paiement correspond à la passerelle.
       *[other] Rapproché : { $matched } paiements correspondent à la passerelle.
    }
reports-differences =
    { $count ->
        [one] { $count } écart
       *[other] { $count } écarts
    } avec la passerelle ; { $matched ->
        [one] { $matched } paiement correspond.
       *[other] { $matched } paiements correspondent.
    }
reports-imported =
    { $count ->
        [one] { $count } enregistrement importé depuis la passerelle.
       *[other] { $count } enregistrements importés depuis la passerelle.
    }
# Un écart avec la passerelle : sa nature, la vente, ce que chaque côté détient.
reports-mismatch = { $kind } : vente { $sale } · ici : { $local } · passerelle : { $gateway }
reports-nothing = rien
reports-mismatch-missing-locally = absent ici
reports-mismatch-missing-at-gateway = absent de la passerelle
reports-mismatch-amount-differs = montant différent
reports-mismatch-status-differs = état différent
reports-mismatch-refund-missing-locally = remboursement absent ici
reports-mismatch-refund-missing-at-gateway = remboursement absent de la passerelle
reports-mismatch-audit-trail-differs = journal d'audit différent

## Passerelle et mode

setup-title = Passerelle et mode
setup-mode-label = Mode :
setup-mode-live = RÉEL — paiements réels
setup-mode-training = FORMATION — aucun paiement réel
setup-switch-live = Passer en mode réel
setup-switch-training = Passer en mode formation
setup-switch-confirm-live = Confirmer : passer en mode réel
setup-switch-confirm-training = Confirmer : passer en mode formation
setup-switch-warn-live = Le mode réel encaisse de vrais paiements. Appuyez à nouveau pour confirmer.
setup-switch-warn = Appuyez à nouveau pour confirmer.
setup-now-live = Le terminal est maintenant en mode réel.
setup-now-training = Le terminal est maintenant en mode formation.
setup-base-url = Adresse de la passerelle (https uniquement ; Stripe : https://api.stripe.com/)
setup-extra-ca = Autorité de certification supplémentaire (chemin d'un fichier PEM ; pour un proxy TLS de test ou d'entreprise)
setup-reader = Lecteur de carte
setup-find-readers = Chercher les lecteurs
setup-reader-online = en ligne
setup-reader-offline = hors ligne
setup-choose-reader = Choisissez un lecteur, puis enregistrez.
setup-no-readers = Aucun lecteur sur ce compte.
setup-omit-reason = La passerelle refuse le motif de remboursement (certains serveurs de test compatibles Stripe)
setup-publishable-key = Clé publiable (pk_…), pour les commandes par téléphone
setup-moto = Le compte peut marquer les commandes par téléphone comme MOTO (à demander à Stripe)
setup-save = Enregistrer la passerelle
setup-gateway-saved = Réglages de la passerelle enregistrés.
setup-key = Collez une nouvelle clé (vérifiée auprès de la passerelle, gardée dans le trousseau du système, plus jamais affichée)
setup-save-key = Vérifier et enregistrer la clé
setup-remove-key = Supprimer la clé
setup-no-key = Aucune clé : le mode réel ne peut pas encaisser tant qu'aucune clé n'est enregistrée.
# $masked : la clé telle qu'affichée, p. ex. sk_test_…al01 ; $live et $restricted : yes ou no.
setup-key-state =
    Clé { $masked } ({ $live ->
        [yes] réelle
       *[no] mode test
    }, { $restricted ->
        [yes] restreinte
       *[no] clé secrète complète
    }).
setup-key-advice = Une clé secrète complète fonctionne ; une clé restreinte (rk_…) limitée aux autorisations listées dans le README est recommandée.
setup-paste-first = Collez d'abord la clé.
setup-checking-key = Vérification de la clé auprès de la passerelle…
setup-key-saved = Clé vérifiée et enregistrée dans le trousseau. Elle ne sera plus affichée.
setup-key-removed = Clé supprimée.
setup-keys = Clés
setup-rotate = Renouveler la clé du cache
setup-recipients = Les dossiers d'assistance sont scellés pour (clés publiques age, une par ligne)
setup-owner-recipient = Votre propre clé age, pour lire aussi vos exports (facultatif)
setup-save-recipients = Enregistrer les destinataires
setup-cache-key =
    { $rows ->
        [one] La clé du cache v{ $version } scelle { $rows } enregistrement.
       *[other] La clé du cache v{ $version } scelle { $rows } enregistrements.
    }
# $list : les versions précédentes et leur état, p. ex. « v1 détruite, v2 retirée ».
setup-cache-earlier = Précédentes : { $list }.
setup-cache-unavailable = La clé du cache n'est pas disponible.
setup-key-current = en service
setup-key-retiring = en retrait
setup-key-retired = retirée
setup-key-destroyed = détruite
setup-resealing = Rescellement de chaque enregistrement sous une nouvelle clé…
setup-rotated =
    Clé du cache renouvelée en v{ $to } : { $sales ->
        [one] { $sales } vente
       *[other] { $sales } ventes
    } et { $refunds ->
        [one] { $refunds } remboursement
       *[other] { $refunds } remboursements
    } rescellés ; v{ $from } détruite.
setup-rotated-plain = Clé du cache renouvelée.
setup-recipients-saved =
    { $count ->
        [one] Les dossiers d'assistance sont désormais scellés pour { $count } clé.
       *[other] Les dossiers d'assistance sont désormais scellés pour { $count } clés.
    }

## Personnel, limites et journal d'audit

staff-title = Personnel, limites et journal d'audit
staff-alerts = Alertes
staff-staff = Personnel
staff-col-name = Nom
staff-col-role = Rôle
staff-col-state = État
staff-col-wrong-pins = Codes PIN erronés
staff-col-actions = Actions
staff-state-active = actif
staff-state-locked = bloqué
staff-state-disabled = désactivé
staff-disable = Désactiver
staff-enable = Activer
staff-unlock = Débloquer
staff-reset-pin = Réinitialiser le code PIN
staff-disable-for = Désactiver { $name }
staff-enable-for = Activer { $name }
staff-unlock-for = Débloquer { $name }
staff-reset-pin-for = Réinitialiser le code PIN de { $name }
staff-new-pin-for = Nouveau code PIN pour { $name }
staff-disabled = { $name } désactivé.
staff-enabled = { $name } activé.
staff-unlocked = { $name } débloqué.
staff-pin-reset = Le code PIN de { $name } a été réinitialisé.
staff-add-name = Nom
staff-add-role = Rôle
staff-add-pin = Code PIN (6 chiffres ou plus)
staff-add-button = Ajouter
staff-added = { $name } ajouté.
staff-limits = Limites
staff-limit-approval-above = Remboursements validés par un responsable au-delà de
staff-limit-refund-count = Remboursements par caissier et par jour
staff-limit-refund-amount = Montant remboursé par caissier et par jour
staff-limit-charges-per-minute = Encaissements par minute
staff-limit-idle-lock = Verrouiller après inactivité (minutes, ≤ 15)
staff-limit-cashier-phone-orders = Les caissiers peuvent prendre des commandes par téléphone
staff-alert-declines = Alerte : refus
staff-alert-decline-window = … en moins de (minutes)
staff-alert-refund-limit = Alerte : limite de remboursement utilisée (%)
staff-alert-wrong-pins = Alerte : codes PIN erronés par heure
staff-alert-quick-refund = Alerte : remboursement dans les minutes suivant l'encaissement
staff-alert-backup-stale = Alerte : pas de sauvegarde depuis (jours)
staff-limits-save = Enregistrer les limites
staff-limits-saved = Limites enregistrées.
staff-shop = Magasin
staff-shop-name = Nom
staff-shop-address = Adresse (une ligne chacune)
staff-shop-phone = Téléphone
staff-shop-tax-id = N° de TVA
staff-shop-till = Nom de cette caisse
staff-shop-paper = Papier des tickets
staff-paper-a4 = A4
staff-paper-80mm = Rouleau de 80 mm
staff-paper-58mm = Rouleau de 58 mm
staff-shop-save = Enregistrer le magasin
staff-shop-saved = Coordonnées du magasin enregistrées : les tickets et les rapports les impriment désormais.
staff-language = Langue du magasin
staff-save-language = Enregistrer la langue
# Dit dans la langue qui vient d'être choisie.
staff-language-saved = Langue enregistrée : le terminal parle désormais français, à l'écran comme sur les tickets et les rapports.
staff-audit = Journal d'audit
audit-filter-action = Action
audit-filter-staff = Employé
audit-filter-outcome = Résultat
audit-any = toutes
audit-filter = Filtrer
audit-verify = Vérifier la chaîne
audit-col-seq = N°
audit-col-when = Quand
audit-col-who = Qui
audit-col-action = Action
audit-col-outcome = Résultat
audit-col-object = Objet
audit-col-detail = Détail
audit-intact =
    { $count ->
        [one] Le journal d'audit est intact : { $count } entrée vérifiée.
       *[other] Le journal d'audit est intact : { $count } entrées vérifiées.
    }
audit-truncated = Le journal d'audit s'arrête à l'entrée { $last } mais avait atteint l'entrée { $anchor } (selon le trousseau ou la passerelle) : des entrées ont été supprimées ou remplacées. Laissez ce terminal en l'état et appelez l'assistance.
audit-broken = Le journal d'audit est rompu à l'entrée { $seq }. Laissez ce terminal en l'état et appelez l'assistance.

## Journal d'audit : actions

audit-action-sign-in = connexion
audit-action-sign-out = déconnexion
audit-action-pin-failed = code PIN erroné
audit-action-lockout = blocage
audit-action-unlock = déblocage
audit-action-charge = encaissement
audit-action-capture = débit
audit-action-void = annulation
audit-action-refund = remboursement
audit-action-refund-approval = validation de remboursement
audit-action-resolve-in-doubt = vérification d'incertain
audit-action-gateway-key-set = clé de passerelle enregistrée
audit-action-gateway-key-removed = clé de passerelle supprimée
audit-action-gateway-configured = passerelle configurée
audit-action-mode-switch = changement de mode
audit-action-staff-created = employé créé
audit-action-staff-changed = employé modifié
audit-action-settings-changed = réglages modifiés
audit-action-export = export
audit-action-permission-denied = autorisation refusée
audit-action-close-day = clôture de caisse
audit-action-report-export = export de rapport
audit-action-reconcile-import = import au rapprochement
audit-action-receipt-emailed = ticket envoyé par e-mail
audit-action-cache-key-rotated = clé du cache renouvelée
audit-action-support-recipients-changed = destinataires d'assistance modifiés
audit-action-setup-recovered = installation récupérée
audit-action-recovery-kit-issued = kit de récupération émis
audit-action-backup-made = sauvegarde faite
audit-action-restored = restauré depuis une sauvegarde

## Journal d'audit : résultats

audit-outcome-ok = ok
audit-outcome-denied = interdit
audit-outcome-refused = refusé
audit-outcome-rejected = rejeté
audit-outcome-failed = échoué
audit-outcome-rate-limited = trop de demandes
audit-outcome-needs-approval = validation requise
audit-outcome-limit-reached = limite atteinte
audit-outcome-bound = lié
audit-outcome-locked = bloqué
audit-outcome-slow-down = ralentir
audit-outcome-idle = inactif
audit-outcome-no-longer-active = plus actif
audit-outcome-recovered = récupéré
audit-outcome-pending = en attente
audit-outcome-in-doubt = incertain
audit-outcome-approved = accepté
audit-outcome-authorized = autorisé
audit-outcome-declined = refusé par la banque
audit-outcome-cancelled = interrompu
audit-outcome-voided = annulé
audit-outcome-captured = débité
audit-outcome-refunded = remboursé
audit-outcome-succeeded = réussi
audit-outcome-capture-or-void-not-done = ni débité ni annulé
audit-outcome-authorisation-expired = autorisation expirée

## Dossier d'assistance

support-title = Dossier d'assistance
support-hint = Journaux (expurgés), journal d'audit et contrôles de santé — jamais de données de vente — scellés pour que seule l'équipe d'assistance puisse les ouvrir. Vérifiez le contenu, puis scellez.
support-preview = Aperçu du contenu
support-export = Sceller et enregistrer
support-collecting = Collecte…
support-sealing = Scellement…
support-file =
    { $bytes ->
        [one] { $path } — { $bytes } octet
       *[other] { $path } — { $bytes } octets
    }
support-previewed =
    { $files ->
        [one] { $files } fichier sera scellé
       *[other] { $files } fichiers seront scellés
    } pour { $recipients ->
        [one] { $recipients } destinataire.
       *[other] { $recipients } destinataires.
    }
support-sealed = Scellé et enregistré dans { $path }. Envoyez ce fichier à l'assistance.

backups-title = Sauvegardes
backups-issue-kit = Nouveau kit de récupération
backups-folder = Sauvegarder dans ce dossier
backups-now = Sauvegarder maintenant
backups-never = jamais
backups-last = Dernière sauvegarde : { $when }.
backups-kit-yes = Un kit de récupération existe.
backups-kit-no = Il n'y a pas encore de kit de récupération : créez-en un avant de sauvegarder.
backups-kit-code = Code de récupération (notez-le maintenant : il n'est montré qu'une fois) : { $code }
backups-folder-first = Saisissez d'abord le dossier où sauvegarder.
backups-working = Sauvegarde en cours…
backups-done = Sauvegarde écrite. Elle ne s'ouvre qu'avec le code de récupération.
backups-daily = Sauvegarder aussi là chaque jour
recovery-title = Votre code de récupération
recovery-hint = Notez-le maintenant et gardez-le loin de la caisse : il n'est montré qu'une fois. Avec lui et une sauvegarde, ce terminal peut être restauré sur un nouvel ordinateur.
recovery-done = Je l'ai noté
sheet-file = Pour l'imprimer, enregistrer la fiche de récupération (PDF) sous
sheet-save = Enregistrer la fiche
sheet-file-first = Indiquez où enregistrer la fiche (un chemin complet finissant par .pdf).
sheet-saved = Enregistrée, lisible par cet utilisateur de l'ordinateur seulement. Imprimez-la, puis supprimez le fichier.
restore-open = Restaurer une sauvegarde…
restore-title = Restaurer une sauvegarde
restore-hint = Pour une caisse passée sur un nouvel ordinateur : le fichier de sauvegarde et le code de récupération noté à la création de son kit.
restore-file = Fichier de sauvegarde (chemin complet)
restore-code = Code de récupération
restore-cancel = Annuler
restore-go = Restaurer
restore-file-first = Saisissez le chemin complet du fichier de sauvegarde.
restore-step = Restauration : étape { $done } sur { $total }…
restore-done = La sauvegarde du { $when } est restaurée. Connectez-vous avec votre nom et votre code PIN, saisissez à nouveau la clé de la passerelle (Passerelle), puis rapprochez les jours écoulés depuis la sauvegarde pour en récupérer les ventes.
