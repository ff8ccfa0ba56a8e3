import type { ErrorCode } from '@vident/protocol';

/*
 * What a participant reads when the server answers an `error` frame, by its stable code: the
 * server's own message is English and meant for logs, so the page never shows it. Merged into the
 * one dictionary in i18n.ts; same keys in both locales (i18n-errors.test.ts checks every code).
 */
export const errorStrings = {
  ko: {
    'error.code.bad_request': '요청을 처리할 수 없습니다. 다시 시도해 주세요.',
    'error.code.invalid_json': '요청을 처리할 수 없습니다. 페이지를 새로 고쳐 주세요.',
    'error.code.validation_failed': '입력한 내용을 확인해 주세요.',
    'error.code.unauthorized': '이 링크로는 입장할 수 없습니다. 은행에서 받은 링크를 다시 열어 주세요.',
    'error.code.signature_invalid': '이 링크로는 입장할 수 없습니다. 은행에서 받은 링크를 다시 열어 주세요.',
    'error.code.timestamp_out_of_window': '기기의 시간이 맞지 않습니다. 시간 설정을 확인해 주세요.',
    'error.code.unknown_key': '이 링크로는 입장할 수 없습니다. 은행에서 받은 링크를 다시 열어 주세요.',
    'error.code.key_revoked': '이 링크는 더 이상 사용할 수 없습니다. 은행에서 새 링크를 받아 주세요.',
    'error.code.request_replayed': '같은 요청이 두 번 전송되었습니다. 페이지를 새로 고쳐 주세요.',
    'error.code.token_invalid': '링크가 올바르지 않습니다. 은행에서 받은 링크를 다시 열어 주세요.',
    'error.code.token_expired': '링크가 만료되었습니다. 은행에서 새 링크를 받아 주세요.',
    'error.code.token_revoked': '이 링크는 더 이상 사용할 수 없습니다. 상담 화면으로 돌아가거나 다시 로그인해 주세요.',
    'error.code.forbidden': '이 작업을 할 권한이 없습니다.',
    'error.code.not_found': '세션을 찾을 수 없습니다. 은행에서 받은 링크를 다시 열어 주세요.',
    'error.code.conflict': '다른 작업과 겹쳤습니다. 잠시 후 다시 시도해 주세요.',
    'error.code.session_ended': '이 본인 확인 세션은 이미 종료되었습니다.',
    'error.code.invalid_transition': '지금은 이 작업을 할 수 없습니다.',
    'error.code.no_media_node': '지금은 영상 서버에 여유가 없습니다. 잠시 후 다시 시도해 주세요.',
    'error.code.media_node_error': '영상 연결에 문제가 생겼습니다. 다시 연결하는 중입니다.',
    'error.code.payload_too_large': '보낸 내용이 너무 큽니다.',
    'error.code.checksum_mismatch': '전송 중 데이터가 손상되었습니다. 다시 시도해 주세요.',
    'error.code.consent_required': '통화를 시작하려면 녹화에 동의해 주세요.',
    'error.code.rate_limited': '메시지를 너무 빨리 보냈습니다. 잠시 후 다시 보내 주세요.',
    'error.code.limit_reached': '이 상담에서 허용된 한도에 도달했습니다. 상담원에게 말씀해 주세요.',
    'error.code.bank_check_required': '은행의 필수 확인이 아직 통과되지 않아 승인할 수 없습니다.',
    'error.code.thresholds_mismatch': '얼굴 대조 결과의 기준값이 이 상담의 설정과 달라 저장하지 않았습니다. 페이지를 새로 고친 뒤 다시 대조해 주세요.',
    'error.code.evidence_not_ready': '증거 자료가 아직 준비되지 않았습니다.',
    'error.code.evidence_deleted': '증거 자료가 삭제되었습니다.',
    'error.code.not_configured': '이 기능은 설정되어 있지 않습니다.',
    'error.code.node_not_enrolled': '영상 서버에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.',
    'error.code.node_url_mismatch': '영상 서버에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.',
    'error.code.answer_unauthenticated': '영상 연결에 문제가 생겼습니다. 다시 연결하는 중입니다.',
    'error.code.internal': '서버에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.',
  },
  en: {
    'error.code.bad_request': 'The request could not be processed. Please try again.',
    'error.code.invalid_json': 'The request could not be processed. Please reload the page.',
    'error.code.validation_failed': 'Please check what you entered.',
    'error.code.unauthorized': 'This link cannot be used to join. Please open the link your bank sent you again.',
    'error.code.signature_invalid': 'This link cannot be used to join. Please open the link your bank sent you again.',
    'error.code.timestamp_out_of_window': "Your device's clock is off. Please check its time settings.",
    'error.code.unknown_key': 'This link cannot be used to join. Please open the link your bank sent you again.',
    'error.code.key_revoked': 'This link can no longer be used. Please ask your bank for a new one.',
    'error.code.request_replayed': 'The same request was sent twice. Please reload the page.',
    'error.code.token_invalid': 'This link is not valid. Please open the link your bank sent you again.',
    'error.code.token_expired': 'This link has expired. Please ask your bank for a new one.',
    'error.code.token_revoked': 'This link no longer lets you in. Go back to the console or sign in again.',
    'error.code.forbidden': 'You are not allowed to do this.',
    'error.code.not_found': 'The session was not found. Please open the link your bank sent you again.',
    'error.code.conflict': 'This clashed with another action. Please try again in a moment.',
    'error.code.session_ended': 'This verification session has already ended.',
    'error.code.invalid_transition': 'This cannot be done right now.',
    'error.code.no_media_node': 'The video service is busy right now. Please try again in a moment.',
    'error.code.media_node_error': 'The video connection had a problem. Reconnecting…',
    'error.code.payload_too_large': 'What you sent is too large.',
    'error.code.checksum_mismatch': 'The data was damaged on the way. Please try again.',
    'error.code.consent_required': 'Please agree to the recording before the call starts.',
    'error.code.rate_limited': 'You are sending messages too quickly. Please wait a moment and try again.',
    'error.code.limit_reached': 'This session has reached its limit for this. Please tell the agent.',
    'error.code.bank_check_required': "The bank's required checks have not passed yet: the session cannot be approved.",
    'error.code.thresholds_mismatch': "The face match used other thresholds than this session's settings and was not saved. Reload the page and match again.",
    'error.code.evidence_not_ready': 'The evidence is not ready yet.',
    'error.code.evidence_deleted': 'The evidence has been deleted.',
    'error.code.not_configured': 'This feature is not set up.',
    'error.code.node_not_enrolled': 'The video service had a problem. Please try again in a moment.',
    'error.code.node_url_mismatch': 'The video service had a problem. Please try again in a moment.',
    'error.code.answer_unauthenticated': 'The video connection had a problem. Reconnecting…',
    'error.code.internal': 'Something went wrong on the server. Please try again in a moment.',
  },
} as const satisfies Record<'ko' | 'en', Record<`error.code.${ErrorCode}`, string>>;

/** Key of the participant-facing text for a server error code. */
export function errorCodeKey(code: ErrorCode): `error.code.${ErrorCode}` {
  return `error.code.${code}`;
}
