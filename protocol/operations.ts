/** Operations a session can be created for. */
export const OPERATIONS = ['VERIFICATION', 'REGISTRATION', 'IMAGE_UPDATE', 'IDENTIFICATION'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Session / process status, compatible with what integrators in this market use. */
export const SESSION_STATUS = {
  PENDING: 1,
  DIVERGENCE: 2,
  COMPLETED: 3,
  CANCELLED: 4,
  ERROR: 5,
} as const;
export type SessionStatus = (typeof SESSION_STATUS)[keyof typeof SESSION_STATUS];

/** Result codes for redirect / iframe: 200 face recognised, 201 face registered. */
export const RESPONSE_CODE = { RECOGNISED: 200, REGISTERED: 201 } as const;
export type ResponseCode = (typeof RESPONSE_CODE)[keyof typeof RESPONSE_CODE];
