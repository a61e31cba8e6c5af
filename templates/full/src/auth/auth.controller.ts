import { Body, ConflictError, Controller, HttpCode, Post, signJwt, Throws, UnauthorizedError } from 'rivetjs';
import { AppConfig } from '../config.js';
import { Credentials } from './auth.dto.js';
import { ISSUER } from './auth.guard.js';
import { UsersService, type User } from './users.service.js';

@Controller('/auth', { tags: ['auth'] })
export class AuthController {
  constructor(private readonly users: UsersService, private readonly config: AppConfig) {}

  // UsersService throws the 409 for a taken email: start-up analysis reads handlers, not services, so it is declared.
  @Post('/signup', { summary: 'Create an account (role "user") and get a token' })
  @Throws(ConflictError)
  async signup(@Body() body: Credentials) {
    return this.tokenFor(await this.users.create(body.email, body.password));
  }

  @Post('/login', { summary: 'Exchange email and password for a token' })
  @HttpCode(200)
  async login(@Body() body: Credentials) {
    const user = await this.users.verify(body.email, body.password);
    if (user === undefined) throw new UnauthorizedError('Wrong email or password.');
    return this.tokenFor(user);
  }

  private tokenFor(user: User) {
    const token = signJwt({ sub: String(user.id), email: user.email, roles: [user.role] }, { secret: this.config.JWT_SECRET, issuer: ISSUER, expiresIn: '1h' });
    return { token, user };
  }
}
