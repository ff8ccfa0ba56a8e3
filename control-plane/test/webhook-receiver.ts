/**
 * The test bank's webhook receiver: a closed loopback port (the test's fetch stub answers it, and
 * anything slipping past fails fast on loopback) and a test-only secret, base64 of
 * "vident-test-webhook-key-32-bytes". vitest.config.ts binds both in the "webhooks" project.
 */
export const TEST_WEBHOOK_URL = 'http://127.0.0.1:9/bank/webhooks';
export const TEST_WEBHOOK_SECRET = 'whsec_dmlkZW50LXRlc3Qtd2ViaG9vay1rZXktMzItYnl0ZXM=';
