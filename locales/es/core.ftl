# Lo que escribe el núcleo del terminal: tiques, informes, cabeceras CSV,
# mensajes del mostrador y las líneas de merchantctl.

## Tiques

receipt-training = *** FORMACIÓN — NO ES UN PAGO ***
receipt-copy-customer = COPIA PARA EL CLIENTE
receipt-copy-merchant = COPIA PARA EL COMERCIO
receipt-title-sale = VENTA
receipt-title-refund = REEMBOLSO
receipt-heading = { $title } — { $copy }
receipt-date = Fecha
receipt-sale = Venta
receipt-card = Tarjeta
receipt-entry = Lectura
receipt-application = Aplicación
receipt-aid = AID
receipt-account = Cuenta
receipt-auth-code = N.º de autorización
receipt-arc = ARC
receipt-verification = Verificación
receipt-item = Artículo
receipt-amount = Importe
receipt-charged = Cobrado
receipt-result = Resultado
receipt-hold-released = La retención en la tarjeta se ha liberado: no se ha cobrado nada.
receipt-cardholder-signature = Firma del titular
receipt-merchant-signature = Firma del comercio
receipt-risk = RIESGO: { $warning }
receipt-outcome = Código de respuesta
receipt-served-by = Atendido por
receipt-gateway-ref = Ref. de la pasarela
receipt-thanks = Gracias. Conserve este tique.
receipt-refund = Reembolso
receipt-of-sale = De la venta
receipt-sale-date = Fecha de la venta
receipt-sale-auth-code = N.º de autorización de la venta
receipt-refunded = Reembolsado
receipt-reason = Motivo
receipt-note = Nota
receipt-refund-foot = Los reembolsos vuelven solo a la tarjeta original y pueden tardar de 5 a 10 días en aparecer.
receipt-sale-approved = APROBADA
receipt-sale-authorized = AUTORIZADA — AÚN NO COBRADA
receipt-sale-declined = DENEGADA
receipt-sale-voided = ANULADA — NO COBRADA
receipt-sale-not-charged = NO COBRADA
receipt-in-doubt = EN DUDA — EN COMPROBACIÓN
receipt-refund-succeeded = REEMBOLSADO A LA TARJETA
receipt-refund-failed = NO REEMBOLSADO

## Cómo se leyó la tarjeta y se verificó al titular

entry-chip = Chip
entry-contactless = Sin contacto
entry-contactless-magstripe = Sin contacto (banda)
entry-swipe = Banda magnética
entry-swipe-fallback = Banda (sustituye al chip)
entry-keyed = Tecleada
entry-phone = Pedido telefónico (tarjeta no presente)
entry-simulated = Simulada (formación)
verification-pin = PIN verificado
verification-signature = Firma
verification-pin-and-signature = PIN verificado y firma
verification-device = Verificado en el dispositivo
verification-none = No requiere verificación
verification-failed = Verificación fallida

## Motivos de reembolso

reason-requested-by-customer = a petición del cliente
reason-duplicate = duplicado
reason-fraudulent = fraudulento

## Riesgo

risk-elevated = Riesgo de fraude elevado
risk-highest = Riesgo de fraude muy alto
risk-cvc = el código de seguridad no coincidía
risk-postal-code = el código postal no coincidía
risk-warning = { $concerns }: compruebe un documento de identidad o pida otra tarjeta.

## Encabezado de la tienda

shop-phone = Tel. { $phone }
shop-tax-id = NIF { $tax_id }
shop-till = Caja: { $till }

## Informes (día, X y Z)

report-day-title = INFORME DEL DÍA
report-x-title = INFORME X (día sin cerrar)
report-z-title = INFORME Z N.º { $number }
report-training = *** FORMACIÓN - NO ES DINERO REAL ***
report-from = Desde { $from }
report-to = Hasta { $to } ({ $zone })
report-empty = Sin ventas ni reembolsos.
report-currency = Moneda { $currency }
report-sales = Ventas ({ $count })
report-refunds = Reembolsos ({ $count })
report-net = Neto
report-average = Tique medio
report-held = Retenido, sin cobrar ({ $count })
report-voided = Anuladas
report-declined = Denegadas o fallidas
report-net-by-line = Neto por línea (ventas/reembolsos):
report-by-brand = Por marca de tarjeta:
report-by-staff = Por empleado:
report-by-hour = Por hora:
report-shop-title = DÍA DE LA TIENDA (todas las cajas, según la pasarela)
report-by-till = Por caja:
report-till-differs = ! { $till }: sus propios datos muestran { $sales } venta(s) { $gross }, { $refunds } reembolso(s) { $refunded }
report-z-closed = Cerrado el { $at } por { $by }
report-z-covers = Abarca { $count ->
    [one] una venta o reembolso
   *[other] { $count } ventas y reembolsos
}
report-z-hash = SHA-256 de lo que abarca:
report-no-card = sin tarjeta
report-unattributed = sin asignar
report-staff-unknown = empleado { $id }
shop-till-none = fuera de caja
shop-till-unnamed = caja { $id }
shop-staff-at-till = { $staff } ({ $till })

## Exportación CSV: cabeceras de columna

csv-record = Operación
csv-id = Identificador
csv-sale-id = Venta
csv-created-utc = Fecha (UTC)
csv-created-local = Fecha (hora local)
csv-status = Estado
csv-amount = Importe
csv-captured = Cobrado
csv-currency = Moneda
csv-card = Tarjeta
csv-staff = Empleado
csv-till = caja
csv-refund-reason = Motivo del reembolso
csv-card-ending = { $brand } terminada en { $last4 }

## El mostrador: qué pasó con una venta o un reembolso

sale-approved = Aprobada.
sale-authorized = Autorizada: el importe está retenido en la tarjeta. Cóbrelo o anúlelo más tarde.
sale-expired = Caducada: nadie la cobró a tiempo y el servicio de pago liberó la retención. No se ha cobrado a la tarjeta.
sale-voided = Anulada: se liberó la retención; no se ha cobrado a la tarjeta.
sale-cancelled = Cancelada: no se ha cobrado a la tarjeta.
sale-processing-error = No se pudo procesar el pago. No se ha cobrado a la tarjeta; inténtelo de nuevo.
sale-phone-needs-authentication = La tarjeta pide 3-D Secure, que no se puede hacer por teléfono. No se cobró nada: tome este pago de otra forma (en la tienda o con un enlace de pago).
sale-needs-authentication = La tarjeta pide al cliente que confirme el pago con su banco. No se cobró nada: use el lector de tarjetas u otra tarjeta.
sale-reader-timeout = El lector esperó demasiado una tarjeta. No se ha cobrado a la tarjeta; inténtelo de nuevo.
sale-interrupted = Interrumpida antes de cobrar a la tarjeta. No se ha cobrado.
sale-failed = El pago ha fallado. No se ha cobrado a la tarjeta.
sale-in-doubt = En duda: puede que el pago se haya realizado. No vuelva a cobrar hasta que se resuelva.
decline-insufficient-funds = Denegada: fondos insuficientes. Pida otra tarjeta.
decline-expired-card = Denegada: la tarjeta ha caducado. Pida otra tarjeta.
decline-incorrect-cvc = Denegada: el código de seguridad era incorrecto. Inténtelo de nuevo o use otra tarjeta.
decline-incorrect-pin = Denegada: el PIN era incorrecto. Inténtelo de nuevo o use otra tarjeta.
decline-pin-required = Denegada: esta tarjeta necesita su PIN. Pida al cliente que inserte la tarjeta e inténtelo de nuevo.
decline-generic = Denegada por el banco emisor. Pida otra tarjeta.
capture-expired = La autorización caducó el { $when }: ya no se puede cobrar. Anúlela y haga un nuevo cobro.
capture-soon = Cobre antes del { $when }: después la autorización caduca.
refund-succeeded = Reembolsado a la tarjeta original.
refund-in-doubt = En duda: puede que el reembolso se haya realizado. No vuelva a reembolsar hasta que se resuelva.
refund-failed = El reembolso ha fallado; no se ha reembolsado nada.

## merchantctl

cli-refund = reembolso { $id } { $amount }: { $message } (quedan { $left })
cli-no-sales = sin ventas
cli-language = idioma: { $language }

## Errores en el mostrador

error-amount-empty = Introduzca un importe.
error-amount-negative = Los importes no pueden ser negativos; use un reembolso para devolver dinero.
error-amount-zero = El importe debe ser mayor que cero.
error-amount-character = El importe contiene un carácter no permitido; escriba cifras y un solo separador decimal.
error-amount-decimals = { $currency } tiene { $allowed } decimales; el importe tiene más.
error-amount-several-marks = El importe tiene más de un separador decimal.
error-amount-grouping = La agrupación de cifras no es válida; agrupe los miles de tres en tres o no los agrupe.
error-amount-decimal-mark = En esta caja los decimales se escriben después de «{ $mark }» y los miles se agrupan de tres en tres.
error-amount-other-currency = El importe indica otra moneda, pero la venta es en { $currency }.
error-amount-above-limit = El importe supera el límite de esta caja de { $limit }.
error-unknown-currency = Moneda desconocida o no admitida: use un código como EUR o USD.
error-amount-card-number = El importe parece un número de tarjeta. Los números de tarjeta nunca se teclean en el terminal.
error-charge-in-progress = Ya hay un cobro en curso en esta caja.
error-nothing-to-cancel = No hay ningún cobro en curso.
error-in-doubt = { $count ->
    [one] Una venta está en duda: resuélvala antes de un nuevo cobro. No vuelva a cobrar al cliente.
   *[other] { $count } ventas están en duda: resuélvalas antes de un nuevo cobro. No vuelva a cobrar al cliente.
}
error-live-not-configured = El modo real aún no tiene clave de la pasarela. El propietario debe introducir una.
error-back-office = Este terminal es un puesto de oficina: no cobra ni hace reembolsos.
error-back-office-not-fresh = Solo un terminal que nunca ha cobrado puede ser un puesto de oficina.
error-sale-not-found = Esa venta no existe en este terminal.
error-capture-expired = La autorización ha caducado: el banco ya no retiene el dinero, así que no se puede cobrar. Anúlela y haga un nuevo cobro.
error-wrong-pin = Nombre o PIN incorrecto.
error-slow-down = Demasiados PIN erróneos: espere { $seconds } segundos antes de volver a intentarlo.
error-locked-out = Esta cuenta está bloqueada tras demasiados PIN erróneos. Un encargado puede desbloquearla, o vuelva a intentarlo dentro de { $minutes } minutos.
error-disabled = Esta cuenta está desactivada.
error-too-many-attempts = Demasiados intentos de PIN en este terminal: espere un minuto.
error-forbidden = Su función no permite hacer esto ({ $permission }).
error-weak-pin = Un PIN tiene al menos 6 cifras, solo cifras.
error-bad-name = Un nombre de empleado tiene de 1 a 40 letras, cifras, espacios, puntos o guiones.
error-name-taken = Ese nombre de empleado ya existe.
error-owner-exists = La cuenta del propietario ya existe.
error-no-such-staff = No hay ningún empleado con ese nombre.
error-last-manager = No quedaría ningún encargado activo (y nadie desactiva su propia cuenta).
error-not-signed-in = Inicie sesión primero.
error-idle-locked = La pantalla se bloqueó por inactividad. Vuelva a iniciar sesión.
error-no-longer-active = Esta cuenta ya no está activa. Consulte a un encargado.
error-reauth-required = Vuelva a introducir su PIN para cambiar ajustes, claves o personal, o para exportar.
error-needs-approval = Este reembolso supera { $limit }: un encargado debe aprobarlo con su PIN.
error-gateway-processing = No se pudo procesar el pago. Inténtelo de nuevo.
error-reader-timeout = El lector esperó demasiado una tarjeta. Inténtelo de nuevo.
error-reader-offline = El lector de tarjetas está desconectado.
error-reader-busy = El lector de tarjetas está ocupado con otro pago. Espere o cancélelo en el lector.
error-gateway-unreachable = No se puede contactar con el servicio de pago.
error-gateway-outcome-unknown = El servicio de pago no respondió a tiempo; el resultado es desconocido.
error-gateway-rate-limited = El servicio de pago está limitando las peticiones. Espere un momento e inténtelo de nuevo.
error-gateway-key-rejected = El servicio de pago rechazó la clave del terminal (no válida o revocada). El propietario debe introducir una nueva.
error-gateway-permission-missing = A la clave restringida del terminal le falta un permiso que necesita esta acción. Vea la lista en el README.
error-gateway-tls = Falló la conexión segura con el servicio de pago (certificado no fiable o host incorrecto).
error-authentication-required = La tarjeta exige que el cliente se autentique; use el lector de tarjetas u otra tarjeta.
error-gateway-invalid-request = El servicio de pago rechazó la petición.
error-gateway-not-found = El servicio de pago no conoce este pago.
error-gateway-malformed = El servicio de pago envió una respuesta de la que el terminal no puede fiarse.
error-gateway-too-large = El servicio de pago envió una respuesta mayor de lo que el terminal acepta; no se usó nada de ella.
error-gateway-list-too-long = La lista del servicio de pago es más larga de lo que el terminal lee de una vez. Elija un periodo más corto.
error-gateway-no-listing = Este servicio de pago no tiene una lista con la que comparar (el modo formación simula los pagos).
error-gateway-no-email = Este servicio de pago no envía tiques por correo (el modo formación no envía nada). Imprímalo.
error-keychain-locked = El llavero del sistema está bloqueado. Desbloquéelo (inicie la sesión del escritorio) y vuelva a abrir el terminal.
error-gateway-key-unbound = La dirección de la pasarela o su autoridad de certificación ha cambiado desde que se comprobó la clave, así que la clave no se envía allí. Un encargado debe volver a introducir la clave de la pasarela.
error-disk-full = El disco está lleno: no se pudo guardar la venta. Libere espacio; no se ha cobrado nada.
error-not-refundable = Solo se puede reembolsar una venta aprobada.
error-not-capturable = Solo se puede cobrar o anular una autorización, una vez, por como máximo el importe autorizado.
error-exceeds-refundable = Es más de lo que se puede reembolsar: quedan como máximo { $left } en esta venta.
error-refund-currency = El reembolso debe ser en la moneda de la venta ({ $currency }).
error-refund-limit = Este reembolso supera el límite de reembolsos de 24 horas: consulte a un encargado.
error-charges-per-minute = Más de { $count } cobros por minuto en este terminal: espere un momento.
error-refund-count = Ha alcanzado su límite de { $count } reembolsos en 24 horas: consulte a un encargado.
error-refund-amount-limit = Este reembolso le haría superar su límite de reembolsos de 24 horas de { $limit }: consulte a un encargado.
error-not-an-email = Eso no parece una dirección de correo.
error-no-receipt-to-email = Solo una venta aprobada tiene un tique que enviar por correo.
error-address-card-number = Eso parece contener un número de tarjeta. Los números de tarjeta nunca se teclean en el terminal.
error-test-card-needs-test-key = Las tarjetas de prueba solo funcionan con la clave de prueba de la pasarela.
error-phone-order-needs-card = Un pedido telefónico necesita la tarjeta de la ventana de tarjeta de la pasarela: una tarjeta no se puede dictar al lector.
error-cad-on-reader = Los pagos en dólares canadienses en el lector necesitan Interac, que este terminal aún no admite. No se ha cobrado nada: tome este pago tecleando la tarjeta.
error-last-four = Los 4 últimos son cuatro cifras.
error-description-too-long = La descripción es demasiado larga: como máximo { $max } caracteres.
error-description-unprintable = La descripción no puede contener saltos de línea ni caracteres de control.
error-description-card-number = La descripción parece contener un número de tarjeta. Los números de tarjeta nunca se teclean en el terminal.
error-not-a-payment-method = Eso no es un identificador de medio de pago (pm_…). Los números de tarjeta nunca se introducen en el terminal.
error-already-open = Esta carpeta de datos ya está abierta en otra ventana de Merchant Terminal que no responde. Cierre esa ventana (o termine su proceso) y vuelva a empezar.
error-no-home = No hay carpeta de datos: defina MERCHANT_TERMINAL_HOME o use --home.
error-ca-unreadable = No se pudo leer el archivo de la autoridad de certificación adicional, o es más grande de lo que puede ser.
error-unknown-time-zone = Zona horaria desconocida: use un nombre como Europe/Madrid o America/New_York.
error-in-doubt-in-period = Resuelva las { $count } ventas o reembolsos en duda antes de cerrar el día.
error-no-such-closing = No hay ningún informe Z con ese número.
error-shop-needs-live = El día de toda la tienda se lee en la pasarela: necesita el modo real y la clave de la pasarela de la tienda.
error-terminal-data-missing = Faltan los registros de personal y de auditoría de este terminal (terminal.sqlite3). Nadie puede iniciar sesión hasta que vuelvan: restaure toda la carpeta de datos desde una copia de seguridad. Sin copia, el propietario puede iniciar un nuevo registro de auditoría, probado por la clave de la pasarela guardada en este terminal.
error-terminal-data-replaced = Los registros de personal y de auditoría de este terminal (terminal.sqlite3) se sustituyeron por otro archivo. Nadie puede iniciar sesión hasta que vuelvan: restaure toda la carpeta de datos desde una copia de seguridad. Sin copia, el propietario puede iniciar un nuevo registro de auditoría, probado por la clave de la pasarela guardada en este terminal.
error-nothing-to-recover = Los registros de este terminal están en su sitio: no hay nada que recuperar.
error-no-owner-proof = No hay ninguna clave de pasarela guardada en este terminal, así que nada prueba quién es su propietario. Restaure la carpeta de datos desde una copia de seguridad o cree una carpeta de datos nueva.
error-proof-mismatch = Esa no es la clave de la pasarela guardada en este terminal. No se ha cambiado nada.
error-not-confirmed = Iniciar un nuevo registro de auditoría no se puede deshacer: vuelva a ejecutarlo con --confirm.
error-shop-no-name = La tienda necesita un nombre: encabeza cada tique.
error-shop-too-long = El campo «{ $field }» de la tienda es demasiado largo: como máximo { $max } caracteres, para que quepa en una línea del tique.
error-shop-too-many-lines = La dirección de la tienda tiene más de { $max } líneas.
error-shop-unprintable = El campo «{ $field }» de la tienda tiene un carácter que no se puede imprimir (un salto de línea o un carácter de control).
error-shop-card-number = El campo «{ $field }» de la tienda parece contener un número de tarjeta. Los números de tarjeta nunca se teclean en el terminal.
shop-field-name = nombre
shop-field-address = dirección
shop-field-phone = teléfono
shop-field-tax-id = NIF
shop-field-till = nombre de la caja
error-no-recipients = No hay ningún destinatario de soporte configurado (ajustes: support_recipients = ["age1…"]).
error-bad-recipient = El destinatario { $number } no es una clave pública age X25519 (age1…).
error-store-busy = La base de datos de ventas la está usando otro programa.
error-store-rekeying = Otro programa está cambiando la clave de la base de datos de ventas; inténtelo de nuevo cuando termine.
error-store-open-elsewhere = Otro programa (la aplicación o merchantctl) tiene abierta la base de datos de ventas; ciérrelo y cambie la clave.

## Tarjetas de formación y de prueba (el menú del mostrador)

card-approve = Tarjeta aprobada
card-generic-decline = Denegación genérica
card-insufficient-funds = Fondos insuficientes
card-expired = Tarjeta caducada
card-processing-error = Error de procesamiento
card-slow-reader = Lector lento (aprueba)
card-reader-timeout = Tiempo de espera del lector agotado
card-test-visa = Visa de prueba — aprobada
card-test-visa-declined = Visa de prueba — denegada

cli-owner-created = propietario { $name } creado
cli-still-in-doubt = { $count ->
    [one] una venta sigue en duda
   *[other] { $count } ventas siguen en duda
}
cli-reconciled = { $local } venta(s) local(es), { $gateway } en la pasarela, { $matched } coincidente(s), { $differences } diferencia(s)
cli-imported = { $count } registro(s) importado(s)
cli-time-zone = zona horaria: { $zone }
cli-till-named = caja: { $till }
cli-back-office-on = Este terminal es ahora un puesto de oficina: informes y el día de la tienda, sin caja.
cli-gateway-progress = leyendo la pasarela: día { $done } de { $total }
cli-mode-training = modo: formación
cli-mode-live = modo: real
cli-staff-added = { $name } añadido como { $role }
cli-staff-unlocked = { $name } desbloqueado
cli-staff-disabled = Desactivada: esa cuenta no puede iniciar sesión hasta que se vuelva a activar.
cli-staff-enabled = Activada: esa cuenta puede volver a iniciar sesión.
cli-csv-written = { $count } fila(s) escrita(s) en { $path }
cli-bundle-preview = vista previa
cli-bundle-sealed = sellado en { $path }
cli-recovery-code = Código de recuperación (anótelo ahora: solo se muestra esta vez):
    { $code }
    Guárdelo lejos de la caja. Con él y una copia de seguridad, este terminal se puede restaurar en un ordenador nuevo.
cli-backup-made = Copia de seguridad sellada en { $path } ({ $files } archivos). Solo se abre con el código de recuperación.
cli-restored = { $files } archivos restaurados; el registro de auditoría continúa. Después: introduzca de nuevo la clave de la pasarela (merchantctl gateway set-key) y recupere lo ocurrido desde la copia (merchantctl reconcile --fix).
cli-key-rotated = clave de la caché v{ $from } -> v{ $to }: { $sales } ventas y { $refunds } reembolsos resellados; v{ $from } destruida
cli-recipients = los paquetes de soporte se sellan ahora para { $count } destinatario(s)
cli-gateway = pasarela: { $url }
cli-gateway-key-cleared = Se borró la clave de la pasarela (se había comprobado con la dirección o autoridad anterior): vuelva a introducirla con merchantctl gateway set-key.
cli-gateway-key-saved = clave de la pasarela { $key } guardada en el llavero.
cli-gateway-key-advice = Una clave secreta completa funciona, pero se recomienda una clave restringida (rk_) solo con los permisos del README.

## Roles (también las palabras de la ventana)

role-cashier = cajero
role-manager = encargado
role-support = soporte

## The card window (phone and mail orders)
card-window-title = Pedido por teléfono — datos de la tarjeta
card-window-hint = Escriba la tarjeta que le lee el cliente. El número se queda en la pasarela de pago: este terminal nunca lo ve.
card-window-use = Usar esta tarjeta
card-window-cancel = Cancelar
card-window-working = Comprobando la tarjeta con la pasarela…
error-card-entry-not-configured = Los pedidos por teléfono no están configurados: falta la clave publicable de la pasarela.
error-card-entry-mode-mismatch = La clave publicable y la clave secreta de la pasarela no son del mismo modo (prueba o real).
error-card-entry-bad-setting = La clave publicable o la dirección de los campos de tarjeta de la pasarela no es válida.
error-card-entry-bad-hand-back = La ventana de tarjeta devolvió algo que no es una tarjeta.
error-card-entry-cancelled = Se cerró la ventana de tarjeta: no se introdujo ninguna tarjeta.
error-card-entry-already-open = La ventana de tarjeta ya está abierta.
error-card-entry-timed-out = La ventana de la tarjeta se cerró: estuvo abierta más tiempo del que permite el bloqueo por inactividad. No se cobró nada.
error-card-entry-unreachable = No se pudo llegar a los campos de tarjeta de la pasarela.

## Backups and the recovery kit
error-backup-no-kit = Aún no hay kit de recuperación: cree uno primero (merchantctl recovery-kit issue).
error-backup-mistyped-code = Eso no es un código de recuperación: compruébelo en la hoja de recuperación.
error-backup-wrong-code = Este código de recuperación no abre esta copia de seguridad. No se restauró nada.
error-backup-damaged = El archivo de copia de seguridad está dañado o incompleto. No se restauró nada.
error-backup-other-terminal = Esta copia de seguridad es de otro terminal que el de esta carpeta de datos. No se restauró nada.
error-backup-not-empty = Esta carpeta de datos ya contiene un terminal: restaure en una carpeta vacía.
error-backup-in-use = Este terminal ya está en uso: una copia de seguridad solo se restaura en una instalación nueva.
error-backup-sheet-in-data-folder = No guarde la hoja de recuperación en la carpeta de datos del terminal: elija otro lugar.
error-backup-keychain-has-key = El llavero ya tiene otra clave para este terminal. No se restauró nada.
error-backup-interrupted = Se interrumpió una restauración en esta carpeta de datos: vuelva a ejecutarla.
recovery-sheet-title = Merchant Terminal - hoja de recuperación
recovery-sheet-terminal = Terminal { $id }
recovery-sheet-code = Código de recuperación:
recovery-sheet-keep = Guarde esta hoja lejos de la caja, en un lugar seguro. Con este código y un archivo de copia, los datos del terminal se pueden restaurar en un ordenador nuevo; sin él, ninguna copia se abre.
recovery-sheet-restore = Para restaurar: instale Merchant Terminal en el ordenador nuevo y ejecute: merchantctl restore ARCHIVO, y escriba este código. Después introduzca de nuevo la clave de la pasarela y ejecute: merchantctl reconcile --fix.
