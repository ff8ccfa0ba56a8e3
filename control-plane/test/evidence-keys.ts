/*
 * Test-only evidence keys, generated once for this suite (never used outside tests): the bank's
 * RSA-OAEP key pair (2048 bits, so key operations stay fast in workerd) and the control plane's
 * Ed25519 manifest signing key. vitest.config.ts binds the public RSA key as EVIDENCE_PUBLIC_KEY and
 * the Ed25519 PKCS#8 as EVIDENCE_SIGNING_KEY; tests open captures and recordings with the private key.
 */

export const TEST_BANK_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtZx9U2YpUvCUbn+Zr1hK
KlJl+kY/zSg1BpdKMP2Hy/zTKXyTk6kny9cQhNkrmWaTSVi9zc4Q2YVEXUQrwuyu
2uQOK6a85Z5rTb4IGHFdrKPKk1k2IWkhsRqNL2eHjHM6wHk6tpmb7kFa0lKlt853
SUoJHiQd3pnLT14/UFz/8MrprPEM+e7hoJeOxmDAn4YddVh7lyKEtJgEHGu9vWMA
j6y/3y1AZDWi7hLkCS5t/WixtkDFdWUUQOTYKUi6uK1JAt9BxPklaUeo7PyjZnTa
4hjH/+XjgylbLr7MX2IqL0z/hl3uLQDANU0M8chTNJBWDC3xF95qUl/BsrElOm1+
2QIDAQAB
-----END PUBLIC KEY-----
`;

export const TEST_BANK_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC1nH1TZilS8JRu
f5mvWEoqUmX6Rj/NKDUGl0ow/YfL/NMpfJOTqSfL1xCE2SuZZpNJWL3NzhDZhURd
RCvC7K7a5A4rprzlnmtNvggYcV2so8qTWTYhaSGxGo0vZ4eMczrAeTq2mZvuQVrS
UqW3zndJSgkeJB3emctPXj9QXP/wyums8Qz57uGgl47GYMCfhh11WHuXIoS0mAQc
a729YwCPrL/fLUBkNaLuEuQJLm39aLG2QMV1ZRRA5NgpSLq4rUkC30HE+SVpR6js
/KNmdNriGMf/5eODKVsuvsxfYiovTP+GXe4tAMA1TQzxyFM0kFYMLfEX3mpSX8Gy
sSU6bX7ZAgMBAAECggEAAY6v/HEZ1Z4+h5wMg1ZsfGRsf3LuxSGdIstVVYo3CebH
IMnysgd3UeYsPBdoqk4Y4T4jkoo71sGvzmTxQyCodzQRcwphAE8VeHsyspL2TK6y
5ASV1D+EjHI/17I5lVi/njrr5/j1P1vMHZWb2jGpEDXUUi/ZGbmT5sBWJqhFgZkY
JjZsFv7h+Oh6eQbrjTGRHxvUCTdRerttw3Rci9S/m/S9tMxrliSu+J5jAJUoitWF
Km4R9heWMPQP5/LRyfrxeCMX4naxVM7qqN1ld0wklhepClriZJZRr3iMz0YD0ie6
8+rrHhB6TnYlpqWdKGYscxxVUIFU2gIUU9f4Fm2PIQKBgQDpZcFpF6ccL6qVmL2K
0mUC+v7QEu235NM6h2FXXcK3hDOjTAEiT9DzTl0jLfGOgl+ILqob4Y0+BcaHHgHR
LsIzm+dbXdPuJqIeQXzXYStortCESsU9LD/3jLxcyRF3W4ibgjRwEgFY1SblwCoV
8ZNTvrUZqys1AqMCyxmYIOY9VQKBgQDHMuIQj9gvN1NKfENJysw74N0/ifdxr3gI
87sjx84XhzbCl6t8kf4kjcglihUvp6XcHViItNieaXc0zBXWCvOInHaGCQvM5ZvD
QOIJp6D1SB+pvHM2hfYE+y7y2y2Ur4fCA09I0WNyyoh+So0ExZIIGEaKhBe2+pZU
WVX8+c2bdQKBgHh8dyPxeesrEDy55N9NTagEOpbfrqhIEGMekDmxxVtHfADIs60q
1wtDYQFQLmsLEpYSwO4zud5SzPHjo7yBDu/lg8G+5jEC8J394JyvJOGdnTcuAjRa
K4t3s6WShtm+/v6IcNmJ8fgR0Uq5sQAy/YM15/egTWXIPq6qekP2d+UhAoGABbYQ
wzbMlPX6Hl2XtErrNiBJV6QGAy1rvJ34VJtK7mPDDys4EHdDGRszjNf7qYUd/USe
IDVHLKuLbmkXiy5/MwCBaXBi9Tn0EFIQ6QP0WnP57GzpxLtshVIKU44zLVsnAkoE
AOt39XeXGD/c8TEU8cR4aUpGP8nJe5ugGoOzAG0CgYARsPG2bJQCXh2XmEVYwj3i
zO6ig6M2PQi0W1ZYQQ/3LVOKTBBRf3WUgTdcv8wj8sfhRhskiZ3jwHo+Y2lxq691
pZ4IIJo7bbOgw2QVP76WV6kH48MlPO/eiiCZ5bKBhko+pRsylFr3O2ce1hYzIGgb
P+rSmzADf5ch8q6vyV/X0A==
-----END PRIVATE KEY-----
`;

/** sha256 hex of the public key's SPKI DER (what importBankPublicKey calls keyId). */
export const TEST_BANK_KEY_ID = '8e23e6321dd87b7e00fff046f51b2b17900b134e0d1e8b3215c7b96851f927d1';

/** PKCS#8 base64 of the manifest signing key (a secret in production). */
export const TEST_EVIDENCE_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEINmSYiqY0g2z20uiyEaC+40Krsc1bnJuX5zUkiJuSrt3';

/** Its raw public key, base64 (what GET /v1/evidence/signing-key must serve). */
export const TEST_EVIDENCE_PUBLIC_KEY = '02WPv9VntwUzZvgyWpDP4YtYORtyvaU+K6mavvA88NY=';
