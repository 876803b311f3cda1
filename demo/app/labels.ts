// pt-BR labels of the demo (English kept beside where it helps integrators reading the code).
import type { Operation } from './api.ts';

export const STATUS_LABEL: Record<number, string> = {
  1: 'Pendente',
  2: 'Divergência — revisar',
  3: 'Concluído',
  4: 'Cancelado',
  5: 'Erro',
};

export const OPERATION_LABEL: Record<Operation, string> = {
  REGISTRATION: 'Cadastro',
  VERIFICATION: 'Verificação 1:1',
  IDENTIFICATION: 'Identificação 1:N',
  IMAGE_UPDATE: 'Atualização de imagem',
};

export const RESPONSE_LABEL: Record<number, string> = {
  200: '200 — rosto reconhecido',
  201: '201 — rosto cadastrado',
};

/** Score bands of the −100…+100 identity score. */
export const BAND_LABEL: Record<string, string> = {
  APPROVE: 'aprovar',
  REVIEW_POSITIVE: 'avaliar risco (+)',
  RECAPTURE: 'recapturar',
  REVIEW_NEGATIVE: 'avaliar risco (−)',
  DENY: 'negar',
};

export function formatTime(unixS: number): string {
  return new Date(unixS * 1000).toLocaleString('pt-BR');
}
