# Las palabras de la ventana: cada texto de la interfaz de caja, por
# pantalla. Lo que escribe el núcleo (tiques, informes, mensajes) está en
# core.ftl. Los mismos identificadores, atributos y variables que en inglés.

## Común

app-title = Merchant Terminal
back-to-counter = Volver a la caja
error-internal = Algo ha fallado en el terminal. No se ha cobrado nada dos veces; vuelva a intentarlo.

## Idiomas: cada uno escrito en sí mismo, igual en todos los archivos

language-en = English
language-fr = Français
language-de = Deutsch
language-es = Español

## Barra de sesión

training-band = MODO FORMACIÓN — SIN PAGOS REALES
session-reports = Informes
session-gateway = Pasarela
session-staff = Personal y auditoría
session-support = Paquete de soporte
session-lock = Bloquear (F2)
session-alerts =
    { $count ->
        [one] ⚠ { $count } alerta: vea Personal y auditoría
       *[other] ⚠ { $count } alertas: vea Personal y auditoría
    }
session-idle-locked = La pantalla se bloqueó tras un tiempo sin actividad.

## PIN de nuevo

reauth-title = Su PIN de nuevo
reauth-pin = PIN
reauth-submit = Confirmar
reauth-cancel = Cancelar
reauth-not-entered = Sin cambios: no se introdujo el PIN.

## Arranque

startup-error-title = El terminal no puede arrancar
startup-error-code = código: { $code }
startup-already-open = Este terminal ya está abierto
startup-data-missing = Faltan los registros de este terminal
startup-data-missing-next = Si tiene una copia de seguridad y su código de recuperación: aparte esta carpeta de datos y ejecute `merchantctl restore ARCHIVO` (restaura en una carpeta vacía). Para empezar un nuevo registro sin copia de seguridad, el propietario ejecuta `merchantctl setup recover --confirm` en este ordenador; se le pedirá la clave de la pasarela.

## Inicio de sesión

sign-in-title = Iniciar sesión
sign-in-hint = Introduzca su nombre y su PIN.
sign-in-name = Nombre
sign-in-pin = PIN (al menos 6 dígitos)
sign-in-pin-pad =
    .aria-label = Teclado del PIN
sign-in-pin-clear =
    .aria-label = Borrar el PIN
sign-in-pin-back =
    .aria-label = Borrar el último dígito
sign-in-button = Iniciar sesión
sign-in-owner-title = Crear la cuenta del propietario
sign-in-owner-hint = Este terminal es nuevo. Elija el nombre del propietario y un PIN de al menos 6 dígitos.
sign-in-owner-button = Crear propietario

## Estados de una venta, tal como los lee el cajero

status-word-approved = APROBADA
status-word-authorized = AUTORIZADA
status-word-voided = ANULADA
status-word-declined = DENEGADA
status-word-failed = NO COBRADA
status-word-cancelled = CANCELADA
status-word-in-doubt = EN DUDA

## Caja

counter-sale-heading = Nueva venta
counter-amount = Importe
counter-currency =
    .aria-label = Moneda
counter-keypad =
    .aria-label = Teclado del importe
counter-key-decimal =
    .aria-label = Separador decimal
counter-key-back =
    .aria-label = Borrar el último dígito
counter-description = Descripción (opcional)
counter-simulated-card = Tarjeta simulada en el lector
counter-test-card = Tarjeta de prueba (modo de prueba de la pasarela)
counter-authorize-only = Solo autorizar — cobrar más tarde (depósitos, cuentas abiertas)
counter-charge = Cobrar
counter-charge-hint = Intro cobra · Esc cancela
counter-phone-order = Pedido por teléfono…
counter-phone-wait = Escriba la tarjeta en la ventana de tarjeta
counter-phone-wait-hint = Cerrar la ventana de tarjeta cancela el pedido.
counter-present-card = Acerque la tarjeta al lector
counter-cancel = Cancelar (Esc)
counter-training-note = FORMACIÓN — NO ES UN PAGO
counter-resolve = Resolver ahora
counter-retry = Reintentar
counter-result-receipt = Tique
counter-new-sale = Nueva venta (Intro)
counter-resolved = Resuelto: vea el estado de la venta en la lista de hoy.
counter-still-in-doubt = Sigue en duda: todavía no se puede consultar al servicio de pago. Vuelva a intentarlo dentro de un minuto. No vuelva a cobrar.
counter-next-gateway-unreachable = No se puede contactar con el servicio de pago. Compruebe la conexión a internet de la tienda y vuelva a intentarlo.
counter-next-processing-error = El servicio de pago ha tenido un problema. Vuelva a intentarlo.
counter-next-rate-limited = El servicio de pago está saturado. Espere unos segundos y vuelva a intentarlo.
counter-next-reader-timeout = No se presentó ninguna tarjeta a tiempo. Vuelva a intentarlo.
counter-next-reader-offline = El lector de tarjetas está desconectado: compruebe su alimentación y su red, y vuelva a intentarlo.
counter-next-key-rejected = El servicio de pago ha rechazado la clave de este terminal. Pida a un encargado que introduzca una clave nueva; no lo reintente.
counter-next-permission-missing = A la clave del terminal le falta un permiso. Consulte a un encargado; no lo reintente.
counter-next-tls-failure = La conexión segura ha fallado. Consulte a un encargado; no lo reintente.
counter-next-outcome-unknown = Pulse Resolver ahora y diga al cliente que está comprobando el pago.

## Caja: la lista de ventas

counter-sales-heading = Ventas
counter-search =
    .aria-label = Buscar ventas
counter-search-day = Día
counter-search-status = Estado
counter-search-any = cualquiera
counter-search-approved = aprobada
counter-search-authorized = autorizada
counter-search-declined = denegada
counter-search-failed = no cobrada
counter-search-voided = anulada
counter-search-in-doubt = en duda
counter-search-last4 = Últimos 4
counter-search-amount = Importe
counter-search-staff = Empleado
counter-search-button = Buscar
counter-list-hint = Tab hasta una venta · R la reembolsa · Intro muestra su tique · F4 reembolsa la última venta
counter-row-refund = Reembolsar
counter-row-refund-label = Reembolsar { $amount }
counter-row-capture = Cobrar
counter-row-capture-label = Cobrar o anular { $amount }
counter-row-receipt = Tique
counter-row-receipt-label = Tique de { $amount }
# $approved de las $count ventas listadas aprobadas; pueden seguir los totales del día.
counter-summary =
    { $approved ->
        [one] { $approved } aprobada de { $count }
       *[other] { $approved } aprobadas de { $count }
    }
counter-holds =
    { $count ->
        [one] { $count } autorización espera su cobro o anulación; caduca en { $days ->
            [one] { $days } día
           *[other] { $days } días
        }.
       *[other] { $count } autorizaciones esperan su cobro o anulación; la más antigua caduca en { $days ->
            [one] { $days } día
           *[other] { $days } días
        }.
    }

## Caja: reembolso, tique y autorización

counter-close = Cerrar (Esc)
counter-refund-title = Reembolsar
counter-refund-amount = Importe (hasta { $amount })
counter-refund-reason = Motivo
counter-refund-reason-customer = A petición del cliente
counter-refund-reason-duplicate = Duplicado
counter-refund-reason-fraudulent = Fraudulento
counter-refund-note = Nota (opcional)
counter-refund-approval = Aprobación del encargado
counter-refund-approver-name = Nombre del encargado
counter-refund-approver-pin = PIN del encargado
counter-refund-submit = Reembolsar a la tarjeta original
counter-refund-receipt = Tique de reembolso
# $message: lo que dice el núcleo del reembolso.
counter-refund-done = { $message } { $amount } reembolsado; quedan { $left }.
counter-receipt-title = Tique
counter-receipt-refund-title = Tique de reembolso
counter-receipt-copy = Copia
counter-receipt-copy-customer = Copia para el cliente
counter-receipt-copy-merchant = Copia para el comercio
counter-receipt-email = Enviar al cliente por correo electrónico (lo envía la pasarela; la dirección no se guarda)
counter-receipt-print = Imprimir
counter-receipt-send = Enviar
counter-receipt-saved = Guardado como { $path }.
counter-receipt-emailed = El servicio de pago enviará el tique por correo electrónico.
counter-capture-title = Autorización
counter-capture-amount = Importe a cobrar (como máximo el autorizado)
counter-capture-submit = Cobrar
counter-capture-void = Anular — liberar la retención
counter-capture-sale = Autorizada { $amount } — { $card }

## Informes

reports-toolbar =
    .aria-label = Periodo y acciones del informe
reports-from = Desde
reports-to = Hasta
reports-show = Mostrar
reports-x = Informe X
reports-close-day = Cierre de caja (Z)
reports-close-day-confirm = Confirmar: cerrar el día
reports-close-day-warn = El cierre numera el día y congela sus cifras. Pulse de nuevo para confirmar.
reports-csv = Exportar CSV
reports-reconcile = Conciliar
reports-print = Imprimir
reports-back = Volver
reports-title = Informes
reports-empty = No hay ventas ni reembolsos en este periodo.
reports-import = Importar lo que tiene la pasarela
reports-gross = Ventas brutas
reports-refunds = Reembolsos
reports-net = Neto
reports-average = Tique medio
reports-held = Retenido, sin cobrar
reports-voided-declined = Anuladas · denegadas
reports-in-doubt = En duda
# Una barra del gráfico: una hora o un día, su neto y sus ventas.
reports-chart-tip =
    { $count ->
        [one] { $label }: { $amount } neto, { $count } venta
       *[other] { $label }: { $amount } neto, { $count } ventas
    }
reports-chart-by-hour = Neto { $currency } por hora ({ $zone })
reports-chart-by-day = Neto { $currency } por día ({ $zone })
reports-by-brand = Por marca de tarjeta
reports-by-staff = Por empleado
reports-col-sales = Ventas
reports-col-gross = Bruto
reports-col-refunds = Reembolsos
reports-col-net = Neto
reports-range = del { $from } al { $to }
reports-day-title = Vista del día · { $range }
reports-day-figures = Cifras de { $range } ({ $zone }).
reports-x-title = Informe X · desde el último cierre de caja
reports-x-done = Informe X: no se ha cerrado nada.
reports-z-title = Informe Z N.º { $number }
reports-z-closed = Día cerrado como informe Z N.º { $number }. Guardado como { $path }.
reports-csv-done =
    { $count ->
        [one] { $count } fila exportada a { $path }.
       *[other] { $count } filas exportadas a { $path }.
    }
reports-asking = Consultando la pasarela…
reports-shop = Tienda (todas las cajas)
reports-by-till = Por caja
reports-till-differs = Datos propios de esta caja: { $gross } ({ $count })
reports-shop-reading = Leyendo las ventas de todas las cajas en la pasarela…
reports-shop-title = Tienda, todas las cajas · { $range }
reports-shop-done = Cifras de todas las cajas para { $range }, según la pasarela.
reports-shop-differs = Los datos propios de esta caja difieren de la pasarela: vea la línea marcada y concilie.
reports-reconciled =
    { $matched ->
        [one] Conciliado: { $matched } pago coincide con la pasarela.
       *[other] Conciliado: { $matched } pagos coinciden con la pasarela.
    }
reports-differences =
    { $count ->
        [one] { $count } diferencia
       *[other] { $count } diferencias
    } con la pasarela; { $matched ->
        [one] { $matched } pago coincide.
       *[other] { $matched } pagos coinciden.
    }
reports-imported =
    { $count ->
        [one] { $count } registro importado de la pasarela.
       *[other] { $count } registros importados de la pasarela.
    }
# Una diferencia con la pasarela: su tipo, la venta, lo que tiene cada lado.
reports-mismatch = { $kind }: venta { $sale } · aquí: { $local } · pasarela: { $gateway }
reports-nothing = nada
reports-mismatch-missing-locally = falta aquí
reports-mismatch-missing-at-gateway = falta en la pasarela
reports-mismatch-amount-differs = importe distinto
reports-mismatch-status-differs = estado distinto
reports-mismatch-refund-missing-locally = reembolso que falta aquí
reports-mismatch-refund-missing-at-gateway = reembolso que falta en la pasarela
reports-mismatch-audit-trail-differs = registro de auditoría distinto

## Pasarela y modo

setup-title = Pasarela y modo
setup-mode-label = Modo:
setup-mode-live = REAL — pagos reales
setup-mode-training = FORMACIÓN — sin pagos reales
setup-switch-live = Pasar a modo real
setup-switch-training = Pasar a formación
setup-switch-confirm-live = Confirmar: pasar a modo real
setup-switch-confirm-training = Confirmar: pasar a formación
setup-switch-warn-live = El modo real cobra pagos de verdad. Pulse de nuevo para confirmar.
setup-switch-warn = Pulse de nuevo para confirmar.
setup-now-live = Ahora en modo real.
setup-now-training = Ahora en modo formación.
setup-base-url = Dirección de la pasarela (solo https; Stripe: https://api.stripe.com/)
setup-extra-ca = CA adicional de confianza (ruta de un archivo PEM; para un proxy TLS de pruebas o de empresa)
setup-reader = Lector de tarjetas
setup-find-readers = Buscar lectores
setup-reader-online = conectado
setup-reader-offline = desconectado
setup-choose-reader = Elija un lector y guarde.
setup-no-readers = No hay lectores en esta cuenta.
setup-omit-reason = La pasarela rechaza el motivo del reembolso (algunos servidores de prueba compatibles con Stripe)
setup-publishable-key = Clave publicable (pk_…), para pedidos por teléfono
setup-moto = La cuenta puede marcar los pedidos por teléfono como MOTO (pídalo a Stripe)
setup-save = Guardar la configuración de la pasarela
setup-gateway-saved = Configuración de la pasarela guardada.
setup-key = Pegue una clave nueva (se comprueba con la pasarela, se guarda en el llavero del sistema y no vuelve a mostrarse)
setup-save-key = Comprobar y guardar la clave
setup-remove-key = Quitar la clave
setup-no-key = Sin clave: el modo real no puede cobrar hasta que se guarde una clave.
# $masked: la clave tal como se muestra, p. ej. sk_test_…al01; $live y $restricted: yes o no.
setup-key-state =
    Clave { $masked } ({ $live ->
        [yes] real
       *[no] modo de prueba
    }, { $restricted ->
        [yes] restringida
       *[no] clave secreta completa
    }).
setup-key-advice = Una clave secreta completa funciona; se recomienda una clave restringida (rk_…) con solo los permisos que indica el README.
setup-paste-first = Pegue primero la clave.
setup-checking-key = Comprobando la clave con la pasarela…
setup-key-saved = Clave comprobada y guardada en el llavero. No volverá a mostrarse.
setup-key-removed = Clave quitada.
setup-keys = Claves
setup-rotate = Renovar la clave de la caché
setup-recipients = Los paquetes de soporte se sellan para (claves públicas age, una por línea)
setup-owner-recipient = Su propia clave age, para leer también sus exportaciones (opcional)
setup-save-recipients = Guardar destinatarios
setup-cache-key =
    { $rows ->
        [one] La clave de la caché v{ $version } sella { $rows } registro.
       *[other] La clave de la caché v{ $version } sella { $rows } registros.
    }
# $list: las versiones anteriores con su estado, p. ej. «v1 destruida, v2 retirada».
setup-cache-earlier = Anteriores: { $list }.
setup-cache-unavailable = La clave de la caché no está disponible.
setup-key-current = vigente
setup-key-retiring = en retirada
setup-key-retired = retirada
setup-key-destroyed = destruida
setup-resealing = Volviendo a sellar cada registro con una clave nueva…
setup-rotated =
    Clave de la caché renovada a v{ $to }: { $sales ->
        [one] { $sales } venta
       *[other] { $sales } ventas
    } y { $refunds ->
        [one] { $refunds } reembolso
       *[other] { $refunds } reembolsos
    } sellados de nuevo; v{ $from } destruida.
setup-rotated-plain = Clave de la caché renovada.
setup-recipients-saved =
    { $count ->
        [one] Los paquetes de soporte se sellan ahora para { $count } clave.
       *[other] Los paquetes de soporte se sellan ahora para { $count } claves.
    }

## Personal, límites y registro de auditoría

staff-title = Personal, límites y registro de auditoría
staff-alerts = Alertas
staff-staff = Personal
staff-col-name = Nombre
staff-col-role = Función
staff-col-state = Estado
staff-col-wrong-pins = PIN erróneos
staff-col-actions = Acciones
staff-state-active = activo
staff-state-locked = bloqueado
staff-state-disabled = desactivado
staff-disable = Desactivar
staff-enable = Activar
staff-unlock = Desbloquear
staff-reset-pin = Restablecer PIN
staff-disable-for = Desactivar a { $name }
staff-enable-for = Activar a { $name }
staff-unlock-for = Desbloquear a { $name }
staff-reset-pin-for = Restablecer el PIN de { $name }
staff-new-pin-for = PIN nuevo para { $name }
staff-disabled = { $name } desactivado.
staff-enabled = { $name } activado.
staff-unlocked = { $name } desbloqueado.
staff-pin-reset = Se ha restablecido el PIN de { $name }.
staff-add-name = Nombre
staff-add-role = Función
staff-add-pin = PIN (6 o más dígitos)
staff-add-button = Añadir
staff-added = { $name } añadido.
staff-limits = Límites
staff-limit-approval-above = Los reembolsos necesitan un encargado a partir de
staff-limit-refund-count = Reembolsos por cajero y día
staff-limit-refund-amount = Importe reembolsado por cajero y día
staff-limit-charges-per-minute = Cobros por minuto
staff-limit-idle-lock = Bloquear tras inactividad (minutos, ≤ 15)
staff-limit-cashier-phone-orders = Los cajeros pueden tomar pedidos por teléfono
staff-alert-declines = Alerta: denegaciones
staff-alert-decline-window = … en tantos minutos
staff-alert-refund-limit = Alerta: límite de reembolsos usado (%)
staff-alert-wrong-pins = Alerta: PIN erróneos por hora
staff-alert-quick-refund = Alerta: reembolso a los pocos minutos del cobro
staff-alert-backup-stale = Alerta: sin copia de seguridad desde hace días
staff-limits-save = Guardar límites
staff-limits-saved = Límites guardados.
staff-shop = Tienda
staff-shop-name = Nombre
staff-shop-address = Dirección (una línea cada una)
staff-shop-phone = Teléfono
staff-shop-tax-id = NIF
staff-shop-till = Nombre de esta caja
staff-shop-paper = Papel de los tiques
staff-paper-a4 = A4
staff-paper-80mm = Rollo de 80 mm
staff-paper-58mm = Rollo de 58 mm
staff-shop-save = Guardar datos de la tienda
staff-shop-saved = Datos de la tienda guardados: los tiques y los informes los imprimen a partir de ahora.
staff-language = Idioma de la tienda
staff-save-language = Guardar idioma
# Dicho en el idioma recién elegido.
staff-language-saved = Idioma guardado: el terminal habla ahora español, en pantalla y en tiques e informes.
staff-audit = Registro de auditoría
audit-filter-action = Acción
audit-filter-staff = Empleado
audit-filter-outcome = Resultado
audit-any = cualquiera
audit-filter = Filtrar
audit-verify = Verificar la cadena
audit-col-seq = N.º
audit-col-when = Cuándo
audit-col-who = Quién
audit-col-action = Acción
audit-col-outcome = Resultado
audit-col-object = Objeto
audit-col-detail = Detalle
audit-intact =
    { $count ->
        [one] El registro de auditoría está intacto: { $count } entrada verificada.
       *[other] El registro de auditoría está intacto: { $count } entradas verificadas.
    }
audit-truncated = El registro de auditoría termina en la entrada { $last }, pero antes llegó a la entrada { $anchor } (según el llavero o la pasarela): se han eliminado o sustituido entradas. Deje este terminal tal como está y llame a soporte.
audit-broken = El registro de auditoría está roto en la entrada { $seq }. Deje este terminal tal como está y llame a soporte.

## Registro de auditoría: acciones

audit-action-sign-in = inicio de sesión
audit-action-sign-out = cierre de sesión
audit-action-pin-failed = PIN erróneo
audit-action-lockout = bloqueo
audit-action-unlock = desbloqueo
audit-action-charge = cobro
audit-action-capture = cobro de autorización
audit-action-void = anulación
audit-action-refund = reembolso
audit-action-refund-approval = aprobación de reembolso
audit-action-resolve-in-doubt = resolución de dudas
audit-action-gateway-key-set = clave de pasarela guardada
audit-action-gateway-key-removed = clave de pasarela quitada
audit-action-gateway-configured = pasarela configurada
audit-action-mode-switch = cambio de modo
audit-action-staff-created = empleado creado
audit-action-staff-changed = empleado modificado
audit-action-settings-changed = configuración modificada
audit-action-export = exportación
audit-action-permission-denied = permiso denegado
audit-action-close-day = cierre de caja
audit-action-report-export = exportación de informe
audit-action-reconcile-import = importación al conciliar
audit-action-receipt-emailed = tique enviado por correo
audit-action-cache-key-rotated = clave de la caché renovada
audit-action-support-recipients-changed = destinatarios de soporte modificados
audit-action-setup-recovered = instalación recuperada
audit-action-recovery-kit-issued = kit de recuperación emitido
audit-action-backup-made = copia de seguridad hecha
audit-action-restored = restaurado desde una copia

## Registro de auditoría: resultados

audit-outcome-ok = ok
audit-outcome-denied = denegado
audit-outcome-refused = rechazado
audit-outcome-rejected = no admitido
audit-outcome-failed = fallido
audit-outcome-rate-limited = demasiadas solicitudes
audit-outcome-needs-approval = requiere aprobación
audit-outcome-limit-reached = límite alcanzado
audit-outcome-bound = vinculado
audit-outcome-locked = bloqueado
audit-outcome-slow-down = más despacio
audit-outcome-idle = inactivo
audit-outcome-no-longer-active = ya no activo
audit-outcome-recovered = recuperado
audit-outcome-pending = pendiente
audit-outcome-in-doubt = en duda
audit-outcome-approved = aprobado
audit-outcome-authorized = autorizado
audit-outcome-declined = denegado por el banco
audit-outcome-cancelled = cancelado
audit-outcome-voided = anulado
audit-outcome-captured = cobrado
audit-outcome-refunded = reembolsado
audit-outcome-succeeded = correcto
audit-outcome-capture-or-void-not-done = ni cobrado ni anulado
audit-outcome-authorisation-expired = autorización caducada

## Paquete de soporte

support-title = Paquete de soporte
support-hint = Registros (depurados), el registro de auditoría y comprobaciones de estado — nunca datos de ventas — sellados para que solo el equipo de soporte pueda abrirlos. Revise el contenido y luego selle.
support-preview = Ver el contenido
support-export = Sellar y guardar
support-collecting = Recopilando…
support-sealing = Sellando…
support-file =
    { $bytes ->
        [one] { $path } — { $bytes } byte
       *[other] { $path } — { $bytes } bytes
    }
support-previewed =
    { $files ->
        [one] Se sellará { $files } archivo
       *[other] Se sellarán { $files } archivos
    } para { $recipients ->
        [one] { $recipients } destinatario.
       *[other] { $recipients } destinatarios.
    }
support-sealed = Sellado y guardado en { $path }. Envíe este archivo a soporte.

backups-title = Copias de seguridad
backups-issue-kit = Nuevo kit de recuperación
backups-folder = Guardar la copia en esta carpeta
backups-now = Hacer copia ahora
backups-never = nunca
backups-last = Copia más reciente: { $when }.
backups-kit-yes = Existe un kit de recuperación.
backups-kit-no = Aún no hay kit de recuperación: cree uno antes de hacer la copia.
backups-kit-code = Código de recuperación (anótelo ahora: solo se muestra esta vez): { $code }
backups-folder-first = Escriba primero la carpeta donde guardar la copia.
backups-working = Haciendo la copia…
backups-done = Copia escrita. Solo se abre con el código de recuperación.
backups-daily = Hacer también una copia allí cada día
recovery-title = Su código de recuperación
recovery-hint = Anótelo ahora y guárdelo lejos de la caja: solo se muestra esta vez. Con él y una copia de seguridad, este terminal se puede restaurar en un ordenador nuevo.
recovery-done = Ya lo he anotado
sheet-file = Para imprimirla, guardar la hoja de recuperación (PDF) como
sheet-save = Guardar la hoja
sheet-file-first = Indique dónde guardar la hoja (una ruta completa que termine en .pdf).
sheet-saved = Guardada, legible solo por este usuario del ordenador. Imprímala y luego borre el archivo.
restore-open = Restaurar una copia de seguridad…
restore-title = Restaurar una copia de seguridad
restore-hint = Para una caja trasladada a un ordenador nuevo: el archivo de la copia y el código de recuperación anotado al crear su kit.
restore-file = Archivo de la copia (ruta completa)
restore-code = Código de recuperación
restore-cancel = Cancelar
restore-go = Restaurar
restore-file-first = Introduzca la ruta completa del archivo de la copia.
restore-step = Restaurando: paso { $done } de { $total }…
restore-done = La copia del { $when } está restaurada. Inicie sesión con su nombre y PIN, vuelva a introducir la clave de la pasarela (Pasarela) y concilie los días desde la copia para incorporar sus ventas.
