/*
 * Strings of the regulated procedure's controls (issue 15): the security features the customer is
 * asked to show, the one-time code (the customer's entry, the agent's status line) and the agent's
 * abort. Merged into the one dictionary in i18n.ts; same keys in both locales.
 */
export const procedureStrings = {
  ko: {
    'procedure.heading': '절차 확인',
    'procedure.features.heading': '상담원이 확인할 보안 요소',
    'procedure.features.show.tilt': '신분증을 천천히 기울여 주세요',
    'procedure.features.show.light': '신분증을 빛 쪽으로 비스듬히 들어 주세요',
    'procedure.features.show.zoom': '신분증을 카메라에 가까이 대 주세요',
    'procedure.code.label': '휴대폰으로 받은 6자리 인증번호',
    'procedure.code.submit': '확인',
    'procedure.code.invalid': '숫자 6자리를 입력해 주세요.',
    'procedure.code.pending': '인증번호를 입력해 주세요 (남은 시도 {left}회).',
    'procedure.code.verified': '인증번호가 확인되었습니다.',
    'procedure.code.failed': '인증번호 확인에 실패했습니다.',
    'procedure.code.failed.expired': '인증번호가 만료되었습니다.',
    'procedure.agent.code.none': '일회용 인증번호: 요청 없음',
    'procedure.agent.code.pending': '일회용 인증번호: 입력 대기 (남은 시도 {left}회)',
    'procedure.agent.code.verified': '일회용 인증번호: 확인됨',
    'procedure.agent.code.failed': '일회용 인증번호: 실패',
    'procedure.abort.label': '중단 사유',
    'procedure.abort.submit': '본인 확인 중단',
  },
  en: {
    'procedure.heading': 'Procedure',
    'procedure.features.heading': 'Security features the agent checks',
    'procedure.features.show.tilt': 'Tilt the card slowly',
    'procedure.features.show.light': 'Hold the card at an angle toward the light',
    'procedure.features.show.zoom': 'Bring the card close to the camera',
    'procedure.code.label': 'The 6-digit code sent to your phone',
    'procedure.code.submit': 'Confirm',
    'procedure.code.invalid': 'Enter 6 digits.',
    'procedure.code.pending': 'Enter the code ({left} tries left).',
    'procedure.code.verified': 'The code is confirmed.',
    'procedure.code.failed': 'The code could not be confirmed.',
    'procedure.code.failed.expired': 'The code has expired.',
    'procedure.agent.code.none': 'One-time code: not asked for',
    'procedure.agent.code.pending': 'One-time code: waiting for the customer ({left} tries left)',
    'procedure.agent.code.verified': 'One-time code: verified',
    'procedure.agent.code.failed': 'One-time code: failed',
    'procedure.abort.label': 'Abort reason',
    'procedure.abort.submit': 'Abort the identification',
  },
} as const;
