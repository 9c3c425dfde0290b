import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * A browser without a (sufficient) session is sent to WeChat's authorize page. The guard sets
 * the `Location` header before throwing, so any exception filter's reply is a working 302.
 */
export class WeChatAuthRedirectException extends HttpException {
  constructor(readonly authorizeUrl: string) {
    super(
      { statusCode: HttpStatus.FOUND, message: 'WeChat authorization required', authorizeUrl },
      HttpStatus.FOUND,
    );
  }
}

/** A non-browser request without a session: 401 with the URL to authorize at. */
export class WeChatAuthRequiredException extends HttpException {
  constructor(readonly authorizeUrl: string) {
    super(
      {
        statusCode: HttpStatus.UNAUTHORIZED,
        error: 'Unauthorized',
        message: 'WeChat authorization required: open authorizeUrl in the WeChat browser',
        authorizeUrl,
      },
      HttpStatus.UNAUTHORIZED,
    );
  }
}
