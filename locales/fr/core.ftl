# Ce que le cœur du terminal écrit : tickets, rapports, en-têtes CSV,
# messages du comptoir et lignes de merchantctl.

## Tickets

receipt-training = *** FORMATION — CE N'EST PAS UN PAIEMENT ***
receipt-copy-customer = EXEMPLAIRE CLIENT
receipt-copy-merchant = EXEMPLAIRE COMMERÇANT
receipt-title-sale = VENTE
receipt-title-refund = REMBOURSEMENT
receipt-heading = { $title } — { $copy }
receipt-date = Date
receipt-sale = Vente
receipt-card = Carte
receipt-entry = Lecture
receipt-application = Application
receipt-aid = AID
receipt-account = Compte
receipt-auth-code = N° d'autorisation
receipt-arc = ARC
receipt-verification = Vérification
receipt-item = Article
receipt-amount = Montant
receipt-charged = Débité
receipt-result = Résultat
receipt-hold-released = La pré-autorisation est levée : rien n'a été débité.
receipt-cardholder-signature = Signature du porteur
receipt-merchant-signature = Signature du commerçant
receipt-risk = RISQUE : { $warning }
receipt-outcome = Code retour
receipt-served-by = Servi par
receipt-gateway-ref = Réf. passerelle
receipt-thanks = Merci. Conservez ce ticket.
receipt-refund = Remboursement
receipt-of-sale = De la vente
receipt-sale-date = Date de la vente
receipt-sale-auth-code = N° d'autorisation de la vente
receipt-refunded = Remboursé
receipt-reason = Motif
receipt-note = Note
receipt-refund-foot = Les remboursements reviennent uniquement sur la carte d'origine et peuvent mettre 5 à 10 jours à apparaître.
receipt-sale-approved = ACCEPTÉ
receipt-sale-authorized = AUTORISÉ — PAS ENCORE DÉBITÉ
receipt-sale-declined = REFUSÉ
receipt-sale-voided = ANNULÉ — NON DÉBITÉ
receipt-sale-not-charged = NON DÉBITÉ
receipt-in-doubt = INCERTAIN — EN COURS DE VÉRIFICATION
receipt-refund-succeeded = REMBOURSÉ SUR LA CARTE
receipt-refund-failed = NON REMBOURSÉ

## Lecture de la carte et vérification du porteur

entry-chip = Puce
entry-contactless = Sans contact
entry-contactless-magstripe = Sans contact (piste)
entry-swipe = Piste magnétique
entry-swipe-fallback = Piste (repli puce)
entry-keyed = Saisie manuelle
entry-phone = Commande par téléphone (carte absente)
entry-simulated = Simulée (formation)
verification-pin = Code PIN vérifié
verification-signature = Signature
verification-pin-and-signature = Code PIN vérifié et signature
verification-device = Vérifié sur l'appareil
verification-none = Aucune vérification requise
verification-failed = Vérification échouée

## Motifs de remboursement

reason-requested-by-customer = à la demande du client
reason-duplicate = doublon
reason-fraudulent = frauduleux

## Risque

risk-elevated = Risque de fraude élevé
risk-highest = Risque de fraude très élevé
risk-cvc = le cryptogramme ne correspond pas
risk-postal-code = le code postal ne correspond pas
risk-warning = { $concerns } : vérifiez une pièce d'identité ou demandez une autre carte.

## L'en-tête de la boutique

shop-phone = Tél. { $phone }
shop-tax-id = N° TVA { $tax_id }
shop-till = Caisse : { $till }

## Rapports (journée, X et Z)

report-day-title = RAPPORT DU JOUR
report-x-title = RAPPORT X (journée non clôturée)
report-z-title = TICKET Z N° { $number }
report-training = *** FORMATION - PAS D'ARGENT RÉEL ***
report-from = Du { $from }
report-to = Au { $to } ({ $zone })
report-empty = Aucune vente ni aucun remboursement.
report-currency = Devise { $currency }
report-sales = Ventes ({ $count })
report-refunds = Remboursements ({ $count })
report-net = Net
report-average = Panier moyen
report-held = Autorisé, non débité ({ $count })
report-voided = Annulées
report-declined = Refusées ou échouées
report-net-by-line = Net par ligne (ventes/remboursements) :
report-by-brand = Par réseau de carte :
report-by-staff = Par employé :
report-by-hour = Par heure :
report-shop-title = JOURNÉE DE LA BOUTIQUE (toutes les caisses, selon la passerelle)
report-by-till = Par caisse :
report-till-differs = ! { $till } : ses propres données indiquent { $sales } vente(s) { $gross }, { $refunds } remboursement(s) { $refunded }
report-z-closed = Clôturé le { $at } par { $by }
report-z-covers = Couvre { $count ->
    [one] une vente ou un remboursement
   *[other] { $count } ventes et remboursements
}
report-z-hash = SHA-256 de ce qu'il couvre :
report-no-card = sans carte
report-unattributed = non attribué
report-staff-unknown = employé { $id }
shop-till-none = hors caisse
shop-till-unnamed = caisse { $id }
shop-staff-at-till = { $staff } ({ $till })

## Export CSV : en-têtes de colonnes

csv-record = Opération
csv-id = Identifiant
csv-sale-id = Vente
csv-created-utc = Date (UTC)
csv-created-local = Date (heure locale)
csv-status = Statut
csv-amount = Montant
csv-captured = Débité
csv-currency = Devise
csv-card = Carte
csv-staff = Employé
csv-till = caisse
csv-refund-reason = Motif du remboursement
csv-card-ending = { $brand } se terminant par { $last4 }

## Le comptoir : ce qu'il est advenu d'une vente ou d'un remboursement

sale-approved = Accepté.
sale-authorized = Autorisé : le montant est bloqué sur la carte. Débitez-le ou annulez-le plus tard.
sale-expired = Expiré : personne ne l'a débité à temps, le service de paiement a donc levé le blocage. La carte n'a pas été débitée.
sale-voided = Annulé : le blocage a été levé ; la carte n'a pas été débitée.
sale-cancelled = Annulé : la carte n'a pas été débitée.
sale-processing-error = Le paiement n'a pas pu être traité. La carte n'a pas été débitée ; réessayez.
sale-phone-needs-authentication = La carte demande 3-D Secure, impossible par téléphone. Rien n'a été débité : prenez ce paiement autrement (en boutique, ou par un lien de paiement).
sale-needs-authentication = La carte demande au client de confirmer le paiement auprès de sa banque. Rien n'a été débité : utilisez le lecteur de carte ou une autre carte.
sale-reader-timeout = Le lecteur a attendu la carte trop longtemps. La carte n'a pas été débitée ; réessayez.
sale-interrupted = Interrompu avant le débit de la carte. Non débité.
sale-failed = Le paiement a échoué. La carte n'a pas été débitée.
sale-in-doubt = Incertain : le paiement est peut-être passé. N'encaissez pas à nouveau avant qu'il soit résolu.
decline-insufficient-funds = Refusé : provision insuffisante. Demandez une autre carte.
decline-expired-card = Refusé : la carte a expiré. Demandez une autre carte.
decline-incorrect-cvc = Refusé : le cryptogramme était faux. Réessayez ou utilisez une autre carte.
decline-incorrect-pin = Refusé : le code PIN était faux. Réessayez ou utilisez une autre carte.
decline-pin-required = Refusé : cette carte exige son code PIN. Demandez au client d'insérer la carte et réessayez.
decline-generic = Refusé par la banque de la carte. Demandez une autre carte.
capture-expired = L'autorisation a expiré le { $when } : elle ne peut plus être débitée. Annulez-la et encaissez un nouveau paiement.
capture-soon = À débiter avant le { $when } : l'autorisation expire ensuite.
refund-succeeded = Remboursé sur la carte d'origine.
refund-in-doubt = Incertain : le remboursement est peut-être passé. Ne remboursez pas à nouveau avant qu'il soit résolu.
refund-failed = Le remboursement a échoué ; rien n'a été remboursé.

## merchantctl

cli-refund = remboursement { $id } { $amount } : { $message } (reste { $left })
cli-no-sales = aucune vente
cli-language = langue : { $language }

## Erreurs rencontrées au comptoir

error-amount-empty = Saisissez un montant.
error-amount-negative = Un montant ne peut pas être négatif ; faites un remboursement pour rendre de l'argent.
error-amount-zero = Le montant doit être supérieur à zéro.
error-amount-character = Le montant contient un caractère non autorisé ; tapez des chiffres et un seul séparateur décimal.
error-amount-decimals = { $currency } a { $allowed } décimales ; le montant en a davantage.
error-amount-several-marks = Le montant contient plus d'un séparateur décimal.
error-amount-grouping = Le groupement des chiffres n'est pas valide ; groupez les milliers par trois ou ne les groupez pas.
error-amount-decimal-mark = À cette caisse, les décimales s'écrivent après « { $mark } » et les milliers se groupent par trois.
error-amount-other-currency = Le montant indique une autre devise, mais la vente est en { $currency }.
error-amount-above-limit = Le montant dépasse la limite de cette caisse ({ $limit }).
error-unknown-currency = Devise inconnue ou non prise en charge : utilisez un code comme EUR ou USD.
error-amount-card-number = Le montant ressemble à un numéro de carte. On ne tape jamais un numéro de carte dans le terminal.
error-charge-in-progress = Un encaissement est déjà en cours à cette caisse.
error-nothing-to-cancel = Aucun encaissement en cours.
error-in-doubt = { $count ->
    [one] Une vente est incertaine : résolvez-la avant un nouvel encaissement. Ne débitez pas le client une seconde fois.
   *[other] { $count } ventes sont incertaines : résolvez-les avant un nouvel encaissement. Ne débitez pas le client une seconde fois.
}
error-live-not-configured = Le mode réel n'a pas encore de clé de passerelle. Le propriétaire doit en saisir une.
error-back-office = Ce terminal est un poste de bureau : il ne prend aucun paiement et ne fait aucun remboursement.
error-back-office-not-fresh = Seul un terminal qui n'a jamais pris de paiement peut devenir un poste de bureau.
error-sale-not-found = Cette vente n'existe pas sur ce terminal.
error-capture-expired = L'autorisation a expiré : la banque ne bloque plus l'argent, il ne peut donc plus être débité. Annulez-la et encaissez un nouveau paiement.
error-wrong-pin = Nom ou code PIN incorrect.
error-slow-down = Trop de codes PIN erronés : attendez { $seconds } secondes avant de réessayer.
error-locked-out = Ce compte est bloqué après trop de codes PIN erronés. Un responsable peut le débloquer, ou réessayez dans { $minutes } minutes.
error-disabled = Ce compte est désactivé.
error-too-many-attempts = Trop de tentatives de code PIN sur ce terminal : attendez une minute.
error-forbidden = Votre rôle ne permet pas de faire cela ({ $permission }).
error-weak-pin = Un code PIN compte au moins 6 chiffres, uniquement des chiffres.
error-bad-name = Un nom d'employé compte 1 à 40 lettres, chiffres, espaces, points ou tirets.
error-name-taken = Ce nom d'employé est déjà pris.
error-owner-exists = Le compte du propriétaire existe déjà.
error-no-such-staff = Aucun employé à ce nom.
error-last-manager = Il ne resterait plus aucun responsable actif (et personne ne désactive son propre compte).
error-not-signed-in = Connectez-vous d'abord.
error-idle-locked = L'écran s'est verrouillé après une période d'inactivité. Reconnectez-vous.
error-no-longer-active = Ce compte n'est plus actif. Adressez-vous à un responsable.
error-reauth-required = Saisissez à nouveau votre code PIN pour modifier les réglages, les clés ou le personnel, ou pour exporter.
error-needs-approval = Ce remboursement dépasse { $limit } : un responsable doit l'approuver avec son code PIN.
error-gateway-processing = Le paiement n'a pas pu être traité. Réessayez.
error-reader-timeout = Le lecteur a attendu la carte trop longtemps. Réessayez.
error-reader-offline = Le lecteur de carte est hors ligne.
error-reader-busy = Le lecteur de carte traite un autre paiement. Attendez-le ou annulez-le sur le lecteur.
error-gateway-unreachable = Le service de paiement est injoignable.
error-gateway-outcome-unknown = Le service de paiement n'a pas répondu à temps ; le résultat est inconnu.
error-gateway-rate-limited = Le service de paiement limite les requêtes. Patientez un instant et réessayez.
error-gateway-key-rejected = Le service de paiement a refusé la clé du terminal (invalide ou révoquée). Le propriétaire doit saisir une nouvelle clé.
error-gateway-permission-missing = Il manque à la clé restreinte du terminal une autorisation dont cette action a besoin. Voir la liste dans le README.
error-gateway-tls = La connexion sécurisée au service de paiement a échoué (certificat non reconnu ou mauvais hôte).
error-authentication-required = La carte exige que le client s'authentifie ; utilisez le lecteur de carte ou une autre carte.
error-gateway-invalid-request = Le service de paiement a refusé la demande.
error-gateway-not-found = Le service de paiement ne connaît pas ce paiement.
error-gateway-malformed = Le service de paiement a envoyé une réponse à laquelle le terminal ne peut pas se fier.
error-gateway-too-large = Le service de paiement a envoyé une réponse plus grande que ce que le terminal accepte ; rien n'en a été utilisé.
error-gateway-list-too-long = La liste du service de paiement est plus longue que ce que le terminal lit en une fois. Choisissez une période plus courte.
error-gateway-no-listing = Ce service de paiement ne tient pas de liste à comparer (le mode formation simule les paiements).
error-gateway-no-email = Ce service de paiement n'envoie pas de tickets par e-mail (le mode formation n'envoie rien). Imprimez-le plutôt.
error-keychain-locked = Le trousseau du système est verrouillé. Déverrouillez-le (ouvrez la session du bureau) et redémarrez le terminal.
error-gateway-key-unbound = L'adresse de la passerelle ou son autorité de certification a changé depuis la vérification de la clé ; la clé n'y est donc pas envoyée. Un responsable doit saisir à nouveau la clé de passerelle.
error-disk-full = Le disque est plein : la vente n'a pas pu être enregistrée. Libérez de l'espace ; rien n'a été débité.
error-not-refundable = Seule une vente acceptée peut être remboursée.
error-not-capturable = Seule une autorisation peut être débitée ou annulée, une seule fois, pour au plus le montant autorisé.
error-exceeds-refundable = C'est plus que ce qui peut être remboursé : il reste au plus { $left } sur cette vente.
error-refund-currency = Le remboursement doit être dans la devise de la vente ({ $currency }).
error-refund-limit = Ce remboursement dépasse la limite de remboursements sur 24 heures : demandez à un responsable.
error-charges-per-minute = Plus de { $count } encaissements par minute sur ce terminal : patientez un instant.
error-refund-count = Vous avez atteint votre limite de { $count } remboursements en 24 heures : demandez à un responsable.
error-refund-amount-limit = Ce remboursement vous ferait dépasser votre limite de remboursements sur 24 heures de { $limit } : demandez à un responsable.
error-not-an-email = Cela ne ressemble pas à une adresse e-mail.
error-no-receipt-to-email = Seule une vente acceptée a un ticket à envoyer par e-mail.
error-address-card-number = Cela semble contenir un numéro de carte. On ne tape jamais un numéro de carte dans le terminal.
error-test-card-needs-test-key = Les cartes de test ne fonctionnent qu'avec la clé de test de la passerelle.
error-phone-order-needs-card = Une commande par téléphone nécessite la carte saisie dans la fenêtre de carte de la passerelle : une carte ne peut pas être dictée au lecteur.
error-cad-on-reader = Les paiements en dollars canadiens sur le lecteur exigent Interac, que ce terminal ne prend pas encore en charge. Rien n'a été débité : prenez ce paiement par saisie manuelle.
error-last-four = Les 4 derniers chiffres sont quatre chiffres.
error-description-too-long = La description est trop longue : au plus { $max } caractères.
error-description-unprintable = La description ne peut pas contenir de saut de ligne ni de caractère de contrôle.
error-description-card-number = La description semble contenir un numéro de carte. On ne tape jamais un numéro de carte dans le terminal.
error-not-a-payment-method = Ce n'est pas un identifiant de moyen de paiement (pm_…). On ne saisit jamais un numéro de carte dans le terminal.
error-already-open = Ce dossier de données est déjà ouvert dans une autre fenêtre de Merchant Terminal qui ne répond pas. Fermez cette fenêtre (ou arrêtez son processus) et recommencez.
error-no-home = Aucun dossier de données : définissez MERCHANT_TERMINAL_HOME ou passez --home.
error-ca-unreadable = Le fichier d'autorité de certification supplémentaire est illisible, ou plus grand qu'un tel fichier ne peut l'être.
error-unknown-time-zone = Fuseau horaire inconnu : utilisez un nom comme Europe/Paris ou America/New_York.
error-in-doubt-in-period = Résolvez les { $count } vente(s) ou remboursement(s) incertains avant de clôturer la journée.
error-no-such-closing = Il n'existe pas de ticket Z portant ce numéro.
error-shop-needs-live = La journée de toute la boutique est lue à la passerelle : il faut le mode réel et la clé de passerelle de la boutique.
error-terminal-data-missing = Les fiches du personnel et le journal d'audit de ce terminal (terminal.sqlite3) sont absents. Personne ne peut se connecter tant qu'ils ne sont pas revenus : restaurez tout le dossier de données depuis une sauvegarde. Sans sauvegarde, le propriétaire peut ouvrir un nouveau journal d'audit, prouvé par la clé de passerelle gardée sur ce terminal.
error-terminal-data-replaced = Les fiches du personnel et le journal d'audit de ce terminal (terminal.sqlite3) ont été remplacés par un autre fichier. Personne ne peut se connecter tant qu'ils ne sont pas revenus : restaurez tout le dossier de données depuis une sauvegarde. Sans sauvegarde, le propriétaire peut ouvrir un nouveau journal d'audit, prouvé par la clé de passerelle gardée sur ce terminal.
error-nothing-to-recover = Les fiches de ce terminal sont en place : il n'y a rien à récupérer.
error-no-owner-proof = Aucune clé de passerelle n'est gardée sur ce terminal, rien ne prouve donc qui en est le propriétaire. Restaurez le dossier de données depuis une sauvegarde, ou créez un nouveau dossier de données.
error-proof-mismatch = Ce n'est pas la clé de passerelle gardée sur ce terminal. Rien n'a été modifié.
error-not-confirmed = Ouvrir un nouveau journal d'audit est irréversible : relancez avec --confirm.
error-shop-no-name = La boutique a besoin d'un nom : il figure en tête de chaque ticket.
error-shop-too-long = Le champ « { $field } » de la boutique est trop long : au plus { $max } caractères, pour tenir sur une ligne de ticket.
error-shop-too-many-lines = L'adresse de la boutique a plus de { $max } lignes.
error-shop-unprintable = Le champ « { $field } » de la boutique contient un caractère non imprimable (un saut de ligne ou un caractère de contrôle).
error-shop-card-number = Le champ « { $field } » de la boutique semble contenir un numéro de carte. On ne tape jamais un numéro de carte dans le terminal.
shop-field-name = nom
shop-field-address = adresse
shop-field-phone = téléphone
shop-field-tax-id = n° de TVA
shop-field-till = nom de la caisse
error-no-recipients = Aucun destinataire d'assistance n'est configuré (réglages : support_recipients = ["age1…"]).
error-bad-recipient = Le destinataire { $number } n'est pas une clé publique age X25519 (age1…).
error-store-busy = La base des ventes est utilisée par un autre programme.
error-store-rekeying = La base des ventes est en cours de changement de clé par un autre programme ; réessayez quand il aura fini.
error-store-open-elsewhere = Un autre programme (l'application ou merchantctl) a ouvert la base des ventes ; fermez-le, puis changez la clé.

## Cartes de formation et de test (le menu du comptoir)

card-approve = Carte acceptée
card-generic-decline = Refus générique
card-insufficient-funds = Provision insuffisante
card-expired = Carte expirée
card-processing-error = Erreur de traitement
card-slow-reader = Lecteur lent (accepte)
card-reader-timeout = Délai du lecteur dépassé
card-test-visa = Visa de test — acceptée
card-test-visa-declined = Visa de test — refusée

cli-owner-created = propriétaire { $name } créé
cli-still-in-doubt = { $count ->
    [one] une vente encore incertaine
   *[other] { $count } ventes encore incertaines
}
cli-reconciled = { $local } vente(s) locale(s), { $gateway } à la passerelle, { $matched } concordante(s), { $differences } écart(s)
cli-imported = { $count } enregistrement(s) importé(s)
cli-time-zone = fuseau horaire : { $zone }
cli-till-named = caisse : { $till }
cli-back-office-on = Ce terminal est désormais un poste de bureau : rapports et journée de la boutique, sans caisse.
cli-gateway-progress = lecture de la passerelle : jour { $done } sur { $total }
cli-mode-training = mode : formation
cli-mode-live = mode : réel
cli-staff-added = { $name } ajouté comme { $role }
cli-staff-unlocked = { $name } débloqué
cli-staff-disabled = Désactivé : ce compte ne peut plus se connecter tant qu'il n'est pas réactivé.
cli-staff-enabled = Activé : ce compte peut à nouveau se connecter.
cli-csv-written = { $count } ligne(s) écrite(s) dans { $path }
cli-bundle-preview = aperçu
cli-bundle-sealed = scellé dans { $path }
cli-recovery-code = Code de récupération (notez-le maintenant : il n'est montré qu'une fois) :
    { $code }
    Gardez-le loin de la caisse. Avec lui et une sauvegarde, ce terminal peut être restauré sur un nouvel ordinateur.
cli-backup-made = Sauvegarde scellée dans { $path } ({ $files } fichiers). Elle ne s'ouvre qu'avec le code de récupération.
cli-restored = { $files } fichiers restaurés ; le journal d'audit continue. Ensuite : saisissez à nouveau la clé de la passerelle (merchantctl gateway set-key), puis récupérez ce qui s'est passé depuis la sauvegarde (merchantctl reconcile --fix).
cli-key-rotated = clé du cache v{ $from } -> v{ $to } : { $sales } ventes et { $refunds } remboursements rescellés ; v{ $from } détruite
cli-recipients = les dossiers d'assistance sont désormais scellés pour { $count } destinataire(s)
cli-gateway = passerelle : { $url }
cli-gateway-key-cleared = La clé de passerelle a été effacée (elle avait été vérifiée pour l'ancienne adresse ou autorité) : saisissez-la à nouveau avec merchantctl gateway set-key.
cli-gateway-key-saved = clé de passerelle { $key } enregistrée dans le trousseau.
cli-gateway-key-advice = Une clé secrète complète fonctionne, mais une clé restreinte (rk_) avec seulement les autorisations du README est recommandée.

## Rôles (aussi les mots de la fenêtre)

role-cashier = caissier
role-manager = responsable
role-support = assistance

## The card window (phone and mail orders)
card-window-title = Commande par téléphone — carte
card-window-hint = Saisissez la carte que le client vous lit. Le numéro reste chez la passerelle de paiement : ce terminal ne le voit jamais.
card-window-use = Utiliser cette carte
card-window-cancel = Annuler
card-window-working = Vérification de la carte auprès de la passerelle…
error-card-entry-not-configured = Les commandes par téléphone ne sont pas configurées : la clé publiable de la passerelle manque.
error-card-entry-mode-mismatch = La clé publiable et la clé secrète de la passerelle ne sont pas du même mode (test ou production).
error-card-entry-bad-setting = La clé publiable ou l'adresse des champs de carte de la passerelle n'est pas valide.
error-card-entry-bad-hand-back = La fenêtre de carte a rendu autre chose qu'une carte.
error-card-entry-cancelled = La fenêtre de carte a été fermée : aucune carte saisie.
error-card-entry-already-open = La fenêtre de carte est déjà ouverte.
error-card-entry-timed-out = La fenêtre de carte a été fermée : elle est restée ouverte plus longtemps que le verrouillage d'inactivité ne le permet. Rien n'a été débité.
error-card-entry-unreachable = Les champs de carte de la passerelle sont injoignables.

## Backups and the recovery kit
error-backup-no-kit = Il n'y a pas encore de kit de récupération : créez-en un d'abord (merchantctl recovery-kit issue).
error-backup-mistyped-code = Ce n'est pas un code de récupération : vérifiez-le sur la feuille de récupération.
error-backup-wrong-code = Ce code de récupération n'ouvre pas cette sauvegarde. Rien n'a été restauré.
error-backup-damaged = Le fichier de sauvegarde est endommagé ou incomplet. Rien n'a été restauré.
error-backup-other-terminal = Cette sauvegarde est celle d'un autre terminal que celui de ce dossier de données. Rien n'a été restauré.
error-backup-not-empty = Ce dossier de données contient déjà un terminal : restaurez dans un dossier vide.
error-backup-in-use = Ce terminal est déjà utilisé : une sauvegarde ne se restaure que sur une nouvelle installation.
error-backup-sheet-in-data-folder = Ne gardez pas la fiche de récupération dans le dossier de données du terminal : choisissez un autre emplacement.
error-backup-keychain-has-key = Le trousseau contient déjà une autre clé pour ce terminal. Rien n'a été restauré.
error-backup-interrupted = Une restauration dans ce dossier de données a été interrompue : relancez la restauration.
recovery-sheet-title = Merchant Terminal - feuille de récupération
recovery-sheet-terminal = Terminal { $id }
recovery-sheet-code = Code de récupération :
recovery-sheet-keep = Gardez cette feuille loin de la caisse, en lieu sûr. Avec ce code et un fichier de sauvegarde, les données du terminal peuvent être restaurées sur un nouvel ordinateur ; sans lui, aucune sauvegarde ne s'ouvre.
recovery-sheet-restore = Pour restaurer : installez Merchant Terminal sur le nouvel ordinateur, puis lancez : merchantctl restore FICHIER, et tapez ce code. Saisissez ensuite à nouveau la clé de la passerelle et lancez : merchantctl reconcile --fix.
