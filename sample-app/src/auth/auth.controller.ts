import { Body, ConflictError, Controller, Ctx, Get, Guard, HttpCode, NotFoundError, Post, RateLimit, signJwt, Throws, UnauthorizedError, type RequestContext } from 'rivetjs';
import { Transactional } from 'rivetjs/drizzle';
import { AppConfig } from '../config';
import { AuthGuard, ISSUER } from './auth.guard';
import { Credentials, type Session, type User } from './user.dto';
import { UsersRepository } from './users.repository';

/** Accounts: sign up, log in (a JWT for an hour), and who am I. */
@Controller('/auth', { tags: ['auth'] })
export class AuthController {
  constructor(
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
  ) {}

  // Like every route that writes here, in a transaction (on SQLite, a write outside one is refused while another is
  // open). A taken email is the database's unique constraint, answered as a 409 by rivetjs/drizzle; the analysis of
  // thrown errors reads the handler, not the database: say it here.
  @Post('/signup', { summary: 'Create an account (role "reader") and sign in' })
  @Transactional()
  @Throws(ConflictError)
  async signup(@Body() body: Credentials): Promise<Session> {
    return this.#session(await this.users.create(body.email, body.password));
  }

  // Password guessing is slowed per client address: 10 attempts a minute, then 429 with Retry-After.
  @Post('/login', { summary: 'Exchange email and password for a token' })
  @HttpCode(200)
  @RateLimit({ points: 10, duration: 60 })
  async login(@Body() body: Credentials): Promise<Session> {
    const user = await this.users.verify(body.email, body.password);
    if (user === undefined) throw new UnauthorizedError('Wrong email or password.');
    return this.#session(user);
  }

  @Get('/me', { summary: 'The signed-in account' })
  @Guard(AuthGuard)
  async me(@Ctx() ctx: RequestContext): Promise<User> {
    const claims = ctx.state.user as { sub?: string };
    const user = claims.sub === undefined ? undefined : await this.users.find(Number(claims.sub));
    if (user === undefined) throw new NotFoundError('No account: API keys are not accounts, and this one may have been removed.');
    return user;
  }

  #session(user: User): Session {
    const token = signJwt({ sub: String(user.id), email: user.email, roles: [user.role] }, { secret: this.config.JWT_SECRET, issuer: ISSUER, expiresIn: '1h' });
    return { token, user };
  }
}
