import type { ErrorCode } from './errors.ts';

export const LOCALES = ['pt-BR', 'es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Table = Partial<Record<ErrorCode, string>> & { DEFAULT: string };

/** User-facing messages for the codes a person can act on, in pt-BR (default), es and en. */
export const MESSAGES: Record<Locale, Table> = {
  'pt-BR': {
    DEFAULT: 'Não foi possível concluir. Por favor, tente novamente.',
    FACE_NOT_FOUND: 'ROSTO NÃO DETECTADO. Por favor, posicione o rosto dentro da moldura.',
    FACE_MULTIPLE: 'MAIS DE UM ROSTO. Por favor, fique sozinho na frente da câmera.',
    FACE_OUTSIDE_GUIDE: 'Centralize o rosto dentro da moldura.',
    FACE_NOT_FRONTAL: 'Olhe para a frente, direto para a câmera.',
    EYES_NOT_VISIBLE: 'Mostre os dois olhos: retire óculos escuros ou o que estiver cobrindo.',
    EYES_CLOSED: 'Mantenha os olhos abertos.',
    NO_BLINK: 'Pisque naturalmente.',
    PHONE_IN_FRAME: 'Retire o celular ou a tela da frente da câmera.',
    TOO_DARK: 'AMBIENTE ESCURO. Procure um lugar mais iluminado.',
    TOO_BRIGHT: 'LUZ EXCESSIVA. Evite luz forte direto no rosto.',
    BACKLIT: 'Há luz forte atrás de você. Fique de frente para a luz.',
    TOO_FAR: 'Aproxime o rosto da câmera.',
    TOO_CLOSE: 'Afaste o rosto da câmera.',
    HOLD_STILL: 'Fique parado por um instante.',
    MOVE_CLOSER_STEP: 'Agora aproxime o rosto devagar.',
    FACE_NOT_LIVE: 'FACE VIVA NÃO DETECTADA. Por favor, centralize o rosto na câmera.',
    CAMERA_VIRTUAL: 'Câmera virtual detectada. Use a câmera do aparelho.',
    CAMERA_PERMISSION_DENIED: 'Permita o acesso à câmera nas configurações do navegador e tente de novo.',
    CAMERA_NOT_FOUND: 'Nenhuma câmera encontrada neste aparelho.',
    CAMERA_CONSTRAINTS: 'A câmera não atende aos requisitos mínimos (320×240, 15 fps).',
    MODELS_UNAVAILABLE: 'Não foi possível carregar a verificação. Confira sua conexão e tente de novo.',
    WORKER_FAILED: 'Este navegador não conseguiu iniciar a verificação. Atualize a página ou use outro navegador.',
    SESSION_EXPIRED: 'A sessão expirou. Inicie uma nova verificação.',
    SESSION_USED: 'Esta sessão já foi usada. Inicie uma nova verificação.',
    ATTEMPTS_EXCEEDED: 'Número máximo de tentativas atingido.',
    UPSTREAM_UNAVAILABLE: 'Serviço temporariamente indisponível. Tente novamente em instantes.',
    ORIGIN_NOT_ALLOWED: 'Esta página não está autorizada a receber o resultado da verificação.',
    RETURN_URL_NOT_ALLOWED: 'O endereço de retorno não é o cadastrado para esta verificação.',
    VERIFIER_NOT_CONFIGURED: 'Esta página de verificação não está configurada. Tente mais tarde.',
    SESSION_TOKEN_INVALID: 'Sessão inválida. Inicie uma nova verificação.',
    APPROACH_RETRY: 'Vamos tentar de novo. Quando a moldura crescer, aproxime o rosto devagar.',
    APPROACH_NOT_COMPLETED: 'Não foi possível concluir a aproximação do rosto. Toque em Tentar novamente.',
    CAPTURE_TIMEOUT: 'Não conseguimos ver seu rosto a tempo. Toque em Tentar novamente.',
    CANCELLED: 'Captura cancelada.',
  },
  es: {
    DEFAULT: 'No fue posible completar. Por favor, inténtelo de nuevo.',
    FACE_NOT_FOUND: 'ROSTRO NO DETECTADO. Por favor, coloque el rostro dentro del marco.',
    FACE_MULTIPLE: 'MÁS DE UN ROSTRO. Por favor, quédese solo frente a la cámara.',
    FACE_OUTSIDE_GUIDE: 'Centre el rostro dentro del marco.',
    FACE_NOT_FRONTAL: 'Mire de frente, directo a la cámara.',
    EYES_NOT_VISIBLE: 'Muestre ambos ojos: quítese las gafas oscuras o lo que los cubra.',
    EYES_CLOSED: 'Mantenga los ojos abiertos.',
    NO_BLINK: 'Parpadee con naturalidad.',
    PHONE_IN_FRAME: 'Retire el teléfono o la pantalla de delante de la cámara.',
    TOO_DARK: 'AMBIENTE OSCURO. Busque un lugar más iluminado.',
    TOO_BRIGHT: 'DEMASIADA LUZ. Evite la luz fuerte directa en el rostro.',
    BACKLIT: 'Hay una luz fuerte detrás de usted. Póngase de frente a la luz.',
    TOO_FAR: 'Acerque el rostro a la cámara.',
    TOO_CLOSE: 'Aleje el rostro de la cámara.',
    HOLD_STILL: 'Quédese quieto un instante.',
    MOVE_CLOSER_STEP: 'Ahora acerque el rostro despacio.',
    FACE_NOT_LIVE: 'ROSTRO VIVO NO DETECTADO. Por favor, centre el rostro en la cámara.',
    CAMERA_VIRTUAL: 'Cámara virtual detectada. Use la cámara del dispositivo.',
    CAMERA_PERMISSION_DENIED: 'Permita el acceso a la cámara en la configuración del navegador e inténtelo de nuevo.',
    CAMERA_NOT_FOUND: 'No se encontró ninguna cámara en este dispositivo.',
    CAMERA_CONSTRAINTS: 'La cámara no cumple los requisitos mínimos (320×240, 15 fps).',
    MODELS_UNAVAILABLE: 'No se pudo cargar la verificación. Revise su conexión e inténtelo de nuevo.',
    WORKER_FAILED: 'Este navegador no pudo iniciar la verificación. Recargue la página o use otro navegador.',
    SESSION_EXPIRED: 'La sesión expiró. Inicie una nueva verificación.',
    SESSION_USED: 'Esta sesión ya fue usada. Inicie una nueva verificación.',
    ATTEMPTS_EXCEEDED: 'Se alcanzó el número máximo de intentos.',
    UPSTREAM_UNAVAILABLE: 'Servicio temporalmente no disponible. Inténtelo de nuevo en unos instantes.',
    ORIGIN_NOT_ALLOWED: 'Esta página no está autorizada a recibir el resultado de la verificación.',
    RETURN_URL_NOT_ALLOWED: 'La dirección de retorno no es la registrada para esta verificación.',
    VERIFIER_NOT_CONFIGURED: 'Esta página de verificación no está configurada. Inténtelo más tarde.',
    SESSION_TOKEN_INVALID: 'Sesión no válida. Inicie una nueva verificación.',
    APPROACH_RETRY: 'Intentemos de nuevo. Cuando el marco crezca, acerque el rostro despacio.',
    APPROACH_NOT_COMPLETED: 'No fue posible completar el acercamiento del rostro. Pulse Intentar de nuevo.',
    CAPTURE_TIMEOUT: 'No logramos ver su rostro a tiempo. Pulse Intentar de nuevo.',
    CANCELLED: 'Captura cancelada.',
  },
  en: {
    DEFAULT: 'Could not complete. Please try again.',
    FACE_NOT_FOUND: 'NO FACE DETECTED. Please place your face inside the frame.',
    FACE_MULTIPLE: 'MORE THAN ONE FACE. Please be alone in front of the camera.',
    FACE_OUTSIDE_GUIDE: 'Centre your face inside the frame.',
    FACE_NOT_FRONTAL: 'Look straight at the camera.',
    EYES_NOT_VISIBLE: 'Show both eyes: remove sunglasses or anything covering them.',
    EYES_CLOSED: 'Keep your eyes open.',
    NO_BLINK: 'Blink naturally.',
    PHONE_IN_FRAME: 'Remove the phone or screen from in front of the camera.',
    TOO_DARK: 'TOO DARK. Find a brighter place.',
    TOO_BRIGHT: 'TOO BRIGHT. Avoid strong light directly on your face.',
    BACKLIT: 'There is strong light behind you. Face the light.',
    TOO_FAR: 'Move closer to the camera.',
    TOO_CLOSE: 'Move away from the camera.',
    HOLD_STILL: 'Hold still for a moment.',
    MOVE_CLOSER_STEP: 'Now slowly bring your face closer.',
    FACE_NOT_LIVE: 'LIVE FACE NOT DETECTED. Please centre your face in the camera.',
    CAMERA_VIRTUAL: 'Virtual camera detected. Use the device camera.',
    CAMERA_PERMISSION_DENIED: 'Allow camera access in your browser settings and try again.',
    CAMERA_NOT_FOUND: 'No camera found on this device.',
    CAMERA_CONSTRAINTS: 'The camera does not meet the minimum (320×240, 15 fps).',
    MODELS_UNAVAILABLE: 'The check could not be loaded. Check your connection and try again.',
    WORKER_FAILED: 'This browser could not start the check. Reload the page or use another browser.',
    SESSION_EXPIRED: 'The session expired. Start a new verification.',
    SESSION_USED: 'This session was already used. Start a new verification.',
    ATTEMPTS_EXCEEDED: 'Maximum number of attempts reached.',
    UPSTREAM_UNAVAILABLE: 'Service temporarily unavailable. Please try again shortly.',
    ORIGIN_NOT_ALLOWED: 'This page is not allowed to receive the verification result.',
    RETURN_URL_NOT_ALLOWED: 'The return address is not the one registered for this verification.',
    VERIFIER_NOT_CONFIGURED: 'This verification page is not configured. Please try again later.',
    SESSION_TOKEN_INVALID: 'Invalid session. Start a new verification.',
    APPROACH_RETRY: "Let's try again. When the oval grows, slowly bring your face closer.",
    APPROACH_NOT_COMPLETED: 'The move-closer step could not be completed. Press Try again.',
    CAPTURE_TIMEOUT: 'We could not see your face in time. Press Try again.',
    CANCELLED: 'Capture cancelled.',
  },
};

/**
 * What the capture element says to a person while guiding them: short, calm, second person, one
 * instruction, no shouting and no accusation. Codes missing here use `MESSAGES` (those are already
 * sentences a person can act on). The API keeps `MESSAGES` (e.g. the BioDoc liveness failure string).
 */
export const GUIDANCE: Record<Locale, Partial<Record<ErrorCode, string>>> = {
  'pt-BR': {
    FACE_NOT_FOUND: 'Posicione o rosto dentro da moldura.',
    FACE_MULTIPLE: 'Fique sozinho na frente da câmera.',
    TOO_DARK: 'Procure um lugar mais iluminado.',
    TOO_BRIGHT: 'Evite luz forte direto no rosto.',
    MOVE_CLOSER_STEP: 'Aproxime o rosto da câmera devagar, até preencher a moldura maior.',
    FACE_NOT_LIVE: 'Olhe para a câmera, com o rosto dentro da moldura.',
    RECAPTURE_NEEDED: 'Vamos tentar de novo. Olhe para a câmera, em um lugar bem iluminado.',
    NO_MATCH: 'Vamos tentar de novo. Olhe para a câmera, em um lugar bem iluminado.',
  },
  es: {
    FACE_NOT_FOUND: 'Coloque el rostro dentro del marco.',
    FACE_MULTIPLE: 'Quédese solo frente a la cámara.',
    TOO_DARK: 'Busque un lugar con más luz.',
    TOO_BRIGHT: 'Evite la luz fuerte directa en el rostro.',
    MOVE_CLOSER_STEP: 'Acerque el rostro a la cámara despacio, hasta llenar el marco más grande.',
    FACE_NOT_LIVE: 'Mire a la cámara, con el rostro dentro del marco.',
    RECAPTURE_NEEDED: 'Intentemos de nuevo. Mire a la cámara, en un lugar bien iluminado.',
    NO_MATCH: 'Intentemos de nuevo. Mire a la cámara, en un lugar bien iluminado.',
  },
  en: {
    FACE_NOT_FOUND: 'Place your face inside the oval.',
    FACE_MULTIPLE: 'Make sure only you are in front of the camera.',
    TOO_DARK: 'Move to a brighter place.',
    TOO_BRIGHT: 'Avoid strong light directly on your face.',
    MOVE_CLOSER_STEP: 'Slowly bring your face closer until it fills the larger oval.',
    FACE_NOT_LIVE: 'Look at the camera with your face inside the oval.',
    RECAPTURE_NEEDED: "Let's try again. Look at the camera in a well-lit place.",
    NO_MATCH: "Let's try again. Look at the camera in a well-lit place.",
  },
};

/** The element's words for a guidance code (see `GUIDANCE`), falling back to `messageFor`. */
export function guidanceFor(code: ErrorCode | string, locale: Locale = 'pt-BR'): string {
  return (GUIDANCE[locale] as Record<string, string | undefined>)[code] ?? messageFor(code, locale);
}

/** Message for a code in a locale, falling back to pt-BR and then to the generic message. */
export function messageFor(code: ErrorCode | string, locale: Locale = 'pt-BR'): string {
  const t = MESSAGES[locale] ?? MESSAGES['pt-BR'];
  return (t as Record<string, string | undefined>)[code] ?? t.DEFAULT;
}
