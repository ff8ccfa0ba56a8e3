/*
 * Test-only control plane command-signing key (never used outside tests): vitest.config.ts binds
 * it as CONTROL_PLANE_SIGNING_KEY; the fake media node (fake-node.ts) pins its public half.
 */
export const TEST_CONTROL_PLANE_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEIKosGzOxtF1Fxr3YEbrFQtAD5xI5QZr7iK9ElL90f9Bg';
export const TEST_CONTROL_PLANE_PUBLIC_KEY = 'cu2yNVZYBJGij6ZML+5t4AdKj/RP6tdkYeXtYDdRr3M=';

/**
 * The fake fleet's key: every test node is enrolled with it and the fake node (fake-node.ts) signs
 * every answer with it. test/node-identity.test.ts gives its nodes keys of their own.
 */
export const TEST_NODE_PRIVATE_KEY = 'MC4CAQAwBQYDK2VwBCIEIKJbicwcADbDcnm70IvEWgTID8arSkLnhajp9wn1dBOX';
export const TEST_NODE_PUBLIC_KEY = '777sAIGl/lxvsRv+55+COdYIDRRiCDskM1ShfpAg5OI=';
