import type { EndReason, GuidanceKind, Locale, ReasonCode, Role } from '@vident/protocol';
import { inCallStrings } from './i18n-in-call.ts';
import { deskStrings } from './i18n-desk.ts';
import { precheckStrings } from './i18n-precheck.ts';
import { errorStrings } from './i18n-errors.ts';
import { callScreenStrings } from './i18n-call-screens.ts';
import { captureStrings } from './i18n-capture.ts';
import { documentStrings } from './i18n-document.ts';
import { assistStrings } from './i18n-assist.ts';
import { funnelStrings } from './i18n-funnel.ts';
import { challengeStrings } from './i18n-challenges.ts';
import { qualityStrings } from './i18n-quality.ts';
import { procedureStrings } from './i18n-procedure.ts';
import type { NetworkQuality } from './network-quality.ts';
import zhStrings from '../locales/zh.json';

/** Every user-visible string, in both locales. Korean is the default. */
const dictionary = {
  ko: {
    'app.title': '화상 본인 확인',
    'join.customer.heading': '본인 확인을 시작합니다',
    'join.customer.body':
      '상담원과 영상 통화로 본인 확인을 진행합니다. 신분증을 준비하고 밝은 곳에서 얼굴이 잘 보이도록 해 주세요. 통화는 녹화될 수 있습니다.',
    'join.agent.heading': '본인 확인을 진행합니다',
    'join.agent.body': '고객과 영상 통화로 본인 확인을 진행합니다. 카메라와 마이크를 확인한 뒤 입장해 주세요.',
    'join.button': '입장하기',
    'join.starting': '카메라와 마이크를 준비하는 중…',
    'join.expired': '이 링크는 만료된 것으로 보입니다. 은행에서 새 링크를 받아 주세요.',
    'link.invalid': '링크가 올바르지 않습니다. 은행에서 받은 링크를 다시 열어 주세요.',
    'demo.heading': '역할을 선택하세요',
    'demo.body': '데모 모드: 세션을 만들고 고객 또는 상담원으로 입장합니다.',
    'demo.create': '새 세션 만들기',
    'demo.refresh': '새로고침',
    'demo.empty': '열린 세션이 없습니다.',
    'demo.asCustomer': '고객으로 입장',
    'demo.asAgent': '상담원으로 입장',
    'demo.unavailable': '은행에서 보낸 링크를 열어 주세요.',
    'demo.loading': '세션 목록을 불러오는 중…',
    'demo.failed': '세션 목록을 불러오지 못했습니다.',
    'role.customer': '고객',
    'role.agent': '상담원',
    'call.you': '나',
    'call.remote.customer': '고객',
    'call.remote.agent': '상담원',
    'call.waiting.customer': '상담원을 기다리는 중입니다…',
    'call.waiting.agent': '고객을 기다리는 중입니다…',
    'call.mediaStarting': '영상을 연결하는 중입니다…',
    'call.mic': '마이크',
    'call.cam': '카메라',
    'call.mic.on': '마이크 끄기',
    'call.mic.off': '마이크 켜기',
    'call.cam.on': '카메라 끄기',
    'call.cam.off': '카메라 켜기',
    'call.hangup': '통화 종료',
    'call.timer': '통화 시간',
    'call.remoteMic.on': '상대 마이크 켜짐',
    'call.remoteMic.off': '상대 마이크 꺼짐',
    'call.remoteCam.on': '상대 카메라 켜짐',
    'call.remoteCam.off': '상대 카메라 꺼짐',
    'call.recording': '녹화 중',
    'status.connecting': '연결 중',
    'status.waiting': '대기 중',
    'status.connected': '연결됨',
    'status.reconnecting': '다시 연결하는 중',
    'status.ended': '종료됨',
    'status.failed': '연결 실패',
    'end.heading': '통화가 종료되었습니다',
    'end.duration': '통화 시간',
    'end.reason': '종료 사유',
    'end.reason.approved': '본인 확인이 완료되었습니다.',
    'end.reason.rejected': '본인 확인이 승인되지 않았습니다.',
    'end.reason.cancelled_by_bank': '은행에서 세션을 종료했습니다.',
    'end.reason.cancelled_by_customer': '고객이 통화를 종료했습니다.',
    'end.reason.cancelled_by_agent': '상담원이 통화를 종료했습니다.',
    'end.reason.link_expired': '통화가 시작되기 전에 링크가 만료되었습니다.',
    'end.reason.max_duration': '최대 통화 시간이 지나 종료되었습니다.',
    'end.reason.abandoned': '참여자가 다시 연결하지 않아 종료되었습니다.',
    'end.reason.failed': '기술적인 문제로 종료되었습니다.',
    'decision.heading': '본인 확인 결과',
    'decision.approve': '승인',
    'decision.reject': '거절',
    'decision.reasons': '사유',
    'decision.reason.ID_MISMATCH': '신분증과 본인 불일치',
    'decision.reason.DOCUMENT_INVALID': '유효하지 않은 신분증',
    'decision.reason.SECURITY_FEATURES_FAILED': '보안 요소 확인 실패',
    'decision.reason.POOR_QUALITY': '영상 또는 화질 불량',
    'decision.reason.CUSTOMER_ABORTED': '고객이 진행을 중단함',
    'decision.reason.SUSPECTED_FRAUD': '사기 의심',
    'decision.reason.CODE_FAILED': '일회용 인증번호 확인 실패',
    'decision.reason.CHALLENGE_FAILED': '본인 확인 동작 수행 실패',
    'decision.note': '메모 (고객에게 보이지 않습니다)',
    'decision.submit': '결과 제출',
    'decision.needReason': '거절하려면 사유를 하나 이상 선택하세요.',
    'end.close': '이 창을 닫아도 됩니다.',
    'error.media': '카메라 또는 마이크를 사용할 수 없습니다. 브라우저 권한을 확인해 주세요.',
    'error.socket': '서버에 연결할 수 없습니다.',
    'error.server': '서버 오류: {message}',
    'error.dismiss': '닫기',
    'error.unsupported': '이 브라우저는 영상 통화를 지원하지 않습니다.',
    'join.connecting': '연결하는 중…',
    'join.retryMedia': '카메라와 마이크를 다시 시도하기',
    'consent.heading': '통화 녹화 동의',
    'consent.intro': '본인 확인을 위해 이 통화를 녹화합니다. 시작하기 전에 아래 내용을 확인해 주세요.',
    'consent.what': '녹화 항목: 이 통화의 영상과 음성, 그리고 상담원이 촬영하는 신분증(앞면, 뒷면)과 얼굴 사진.',
    'consent.why': '목적: 비대면 실명 확인에 관한 금융 규정에 따라 은행은 본인 확인의 증거를 보관해야 합니다.',
    'consent.retention': '보관 기간: 법령이 정한 기간(기본 5년) 동안 보관한 뒤 자동으로 삭제됩니다.',
    'consent.access': '열람: 모든 자료는 저장되기 전에 은행만 가진 키로 암호화됩니다. 영상 서비스 운영자를 포함해 은행 외에는 누구도 열어 볼 수 없습니다.',
    'consent.decline.note': '동의하지 않으면 본인 확인이 종료됩니다. 다른 방법은 은행에 문의해 주세요.',
    'consent.accept': '동의하고 시작하기',
    'consent.decline': '동의하지 않음',
    'consent.required': '통화를 시작하려면 녹화에 동의해 주세요.',
    ...inCallStrings.ko,
    ...deskStrings.ko,
    ...precheckStrings.ko,
    ...errorStrings.ko,
    ...callScreenStrings.ko,
    ...captureStrings.ko,
    ...documentStrings.ko,
    ...assistStrings.ko,
    ...funnelStrings.ko,
    ...challengeStrings.ko,
    ...qualityStrings.ko,
    ...procedureStrings.ko,
  },
  en: {
    'app.title': 'Video identity verification',
    'join.customer.heading': 'Let’s verify your identity',
    'join.customer.body':
      'An agent will verify your identity in a video call. Have your ID card ready and sit somewhere bright with your face clearly visible. The call may be recorded.',
    'join.agent.heading': 'Start the identity verification',
    'join.agent.body': 'You will verify the customer in a video call. Check your camera and microphone, then join.',
    'join.button': 'Join',
    'join.starting': 'Preparing camera and microphone…',
    'join.expired': 'This link seems to have expired. Please ask your bank for a new one.',
    'link.invalid': 'This link is not valid. Please open the link your bank sent you again.',
    'demo.heading': 'Choose a role',
    'demo.body': 'Demo mode: create a session and join it as the customer or the agent.',
    'demo.create': 'Create a session',
    'demo.refresh': 'Refresh',
    'demo.empty': 'No open sessions.',
    'demo.asCustomer': 'Join as customer',
    'demo.asAgent': 'Join as agent',
    'demo.unavailable': 'Please open the link your bank sent you.',
    'demo.loading': 'Loading sessions…',
    'demo.failed': 'Could not load the sessions.',
    'role.customer': 'Customer',
    'role.agent': 'Agent',
    'call.you': 'You',
    'call.remote.customer': 'Customer',
    'call.remote.agent': 'Agent',
    'call.waiting.customer': 'Waiting for the agent…',
    'call.waiting.agent': 'Waiting for the customer…',
    'call.mediaStarting': 'Connecting video…',
    'call.mic': 'Microphone',
    'call.cam': 'Camera',
    'call.mic.on': 'Mute microphone',
    'call.mic.off': 'Unmute microphone',
    'call.cam.on': 'Turn camera off',
    'call.cam.off': 'Turn camera on',
    'call.hangup': 'Hang up',
    'call.timer': 'Call time',
    'call.remoteMic.on': 'Their microphone is on',
    'call.remoteMic.off': 'Their microphone is off',
    'call.remoteCam.on': 'Their camera is on',
    'call.remoteCam.off': 'Their camera is off',
    'call.recording': 'Recording',
    'status.connecting': 'Connecting',
    'status.waiting': 'Waiting',
    'status.connected': 'Connected',
    'status.reconnecting': 'Reconnecting',
    'status.ended': 'Ended',
    'status.failed': 'Connection failed',
    'end.heading': 'The call has ended',
    'end.duration': 'Duration',
    'end.reason': 'Reason',
    'end.reason.approved': 'Your identity has been verified.',
    'end.reason.rejected': 'The verification was not approved.',
    'end.reason.cancelled_by_bank': 'The bank closed the session.',
    'end.reason.cancelled_by_customer': 'The customer ended the call.',
    'end.reason.cancelled_by_agent': 'The agent ended the call.',
    'end.reason.link_expired': 'The link expired before the call started.',
    'end.reason.max_duration': 'The session reached its maximum duration.',
    'end.reason.abandoned': 'A participant left and did not come back.',
    'end.reason.failed': 'The session ended because of a technical problem.',
    'decision.heading': 'Verification decision',
    'decision.approve': 'Approve',
    'decision.reject': 'Reject',
    'decision.reasons': 'Reasons',
    'decision.reason.ID_MISMATCH': 'ID does not match the person',
    'decision.reason.DOCUMENT_INVALID': 'Invalid document',
    'decision.reason.SECURITY_FEATURES_FAILED': 'Security features failed',
    'decision.reason.POOR_QUALITY': 'Poor video or image quality',
    'decision.reason.CUSTOMER_ABORTED': 'Customer aborted',
    'decision.reason.SUSPECTED_FRAUD': 'Suspected fraud',
    'decision.reason.CODE_FAILED': 'One-time code not confirmed',
    'decision.reason.CHALLENGE_FAILED': 'Liveness challenges failed',
    'decision.note': 'Note (never shown to the customer)',
    'decision.submit': 'Submit decision',
    'decision.needReason': 'Choose at least one reason to reject.',
    'end.close': 'You can close this window now.',
    'error.media': 'Camera or microphone is not available. Please check the browser permissions.',
    'error.socket': 'Cannot reach the server.',
    'error.server': 'Server error: {message}',
    'error.dismiss': 'Dismiss',
    'error.unsupported': 'This browser does not support video calls.',
    'join.connecting': 'Connecting…',
    'join.retryMedia': 'Try camera and microphone again',
    'consent.heading': 'Consent to recording',
    'consent.intro': 'This call is recorded to verify your identity. Please read the following before you start.',
    'consent.what': 'What is recorded: the video and audio of this call, and the still images the agent takes of your ID card (front and back) and of your face.',
    'consent.why': 'Why: financial regulations on remote identity verification require the bank to keep evidence of the verification.',
    'consent.retention': 'How long: the records are kept for the period the law requires (5 years by default) and then deleted automatically.',
    'consent.access': 'Who can open them: everything is encrypted before it is stored, with a key only your bank holds. Nobody else, including the operator of this video service, can open it.',
    'consent.decline.note': 'If you decline, the verification ends. Please ask your bank about other ways to verify.',
    'consent.accept': 'I agree, start',
    'consent.decline': 'Decline',
    'consent.required': 'Please agree to the recording before the call starts.',
    ...inCallStrings.en,
    ...deskStrings.en,
    ...precheckStrings.en,
    ...errorStrings.en,
    ...callScreenStrings.en,
    ...captureStrings.en,
    ...documentStrings.en,
    ...assistStrings.en,
    ...funnelStrings.en,
    ...challengeStrings.en,
    ...qualityStrings.en,
    ...procedureStrings.en,
  },
} as const satisfies Record<'ko' | 'en', Record<string, string>>;

/** Simplified Chinese (web/locales/zh.json), for the keys English has; a key it lacks shows the English text. */
const zh = zhStrings as Partial<Record<string, string>>;
const byLocale: Record<Locale, Record<MessageKey, string>> = {
  ...dictionary,
  zh: Object.fromEntries(Object.entries(dictionary.en).map(([key, text]) => [key, zh[key] ?? text])) as Record<MessageKey, string>,
};

/** A key of the dictionary; Korean is the reference set the English one must match. */
export type MessageKey = keyof (typeof dictionary)['ko'];

/** Looks a string up and fills `{name}` placeholders. */
export function translate(locale: Locale, key: MessageKey, params: Record<string, string> = {}): string {
  const template: string = byLocale[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The page's locale before `welcome` (locale-choice.ts), here for the pages that import it with translate. */
export { initialLocale, pickLocale } from './locale-choice.ts';

/** The waiting text names the party we wait for. */
export function waitingKey(role: Role): MessageKey {
  return role === 'customer' ? 'call.waiting.customer' : 'call.waiting.agent';
}

/** Key of the human text for an end reason. */
export function endReasonKey(reason: EndReason): MessageKey {
  return `end.reason.${reason}`;
}

/** Key of the label of a decision reason code. */
export function reasonCodeKey(code: ReasonCode): MessageKey {
  return `decision.reason.${code}`;
}

/** Key of a guidance instruction (the customer's overlay; `clear` has none). */
export function guidanceKey(kind: Exclude<GuidanceKind, 'clear'>): MessageKey {
  return `guidance.kind.${kind}`;
}

/** Key of the agent's short button label for a guidance kind. */
export function guidanceButtonKey(kind: GuidanceKind): MessageKey {
  return `guidance.button.${kind}`;
}

/** Key of a network-quality level's word. */
export function qualityKey(level: NetworkQuality): MessageKey {
  return `quality.level.${level}`;
}

/** Every key, for tests that check both locales are complete. */
export function dictionaryKeys(locale: Locale): string[] {
  return Object.keys(byLocale[locale]);
}
