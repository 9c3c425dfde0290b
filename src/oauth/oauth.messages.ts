/** What the OAuth callback answers to each kind of bad input: for the person in front of it. */
export const OAUTH_MESSAGES = {
  malformedState: 'The sign-in link is broken (missing or malformed state). Please start again.',
  noBrowserBinding:
    'This sign-in was not started in this browser, or cookies are blocked. Please start again.',
  unknownState: 'This sign-in link has expired or was already used. Please start again.',
  declined: 'You declined the WeChat authorization, so you are not signed in.',
  malformedCode: 'The sign-in code is malformed. Please start again.',
  badCode: 'The sign-in code is invalid, expired or was already used. Please start again.',
  snapshotUser:
    'This page was opened as a snapshot preview. Tap "Use full service" in WeChat to sign in.',
  upstream: 'WeChat could not complete the sign-in right now. Please try again shortly.',
  badHost: 'The request has no valid Host header; set oauth.publicUrl on the server.',
  notConfigured:
    '@WeChatAuth() needs WeChatModule option oauth (at least oauth.sessionSecret) to be set',
} as const;
