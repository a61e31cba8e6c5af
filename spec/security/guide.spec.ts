import { IsString } from 'class-validator';
import { Body, Controller, createApp, Ctx, cspNonce, Delete, Get, Guard, JwtGuard, NONCE, Post, RateLimit, RequestContext, ResponseHeader, Roles, RolesGuard, Scopes, signJwt } from '../../lib';
import { serve } from '../helpers/http';

/** The examples of docs/guides/security.md, run as written (a MemoryStore stands in for Redis). */

const JWT_SECRET = 'a-jwt-secret-of-at-least-32-bytes!!!';
const SESSION_SECRET = 'a-session-secret-of-32-characters!!';

describe('docs/guides/security.md', () => {
  it('runs the overview example', async () => {
    const jwt = new JwtGuard({ secret: JWT_SECRET, algorithms: ['HS256'], issuer: 'https://auth.example.com' });

    @Controller('/admin')
    @Guard(jwt, RolesGuard)
    @Roles('admin')
    class AdminController {
      @Get('/me') me(@Ctx() ctx: RequestContext) { return ctx.state.user; }
    }

    @Controller('/auth')
    class AuthController {
      @Post('/login') @RateLimit({ points: 5, duration: 60 })
      login(@Ctx() ctx: RequestContext) { ctx.session.regenerate(); ctx.session.set('user', 42); }
    }

    const app = createApp({
      controllers: [AdminController, AuthController],
      trustProxy: 1,
      securityHeaders: true,
      cors: { origin: ['https://app.example.com'], credentials: true },
      rateLimit: { points: 300, duration: 60 },
      session: { secret: SESSION_SECRET },
    });
    const client = await serve(app);
    try {
      const token = signJwt({ sub: '42', roles: ['admin'] }, { secret: JWT_SECRET, expiresIn: '1h', issuer: 'https://auth.example.com' });
      await client.get('/admin/me').set('authorization', `Bearer ${token}`).set('origin', 'https://app.example.com').expect(200)
        .expectHeader('access-control-allow-origin', 'https://app.example.com').expectHeader('x-content-type-options', 'nosniff')
        .expectHeader('ratelimit-limit', '300');
      const login = await client.post('/auth/login').expect(204).expectHeader('ratelimit-limit', '5');
      expect(String(login.headers['set-cookie'])).toMatch(/^rivet\.sid=/);
    } finally {
      await client.close();
    }
  });

  it('runs the JwtGuard subclass, the roles controller and the nonce page', async () => {
    class UserJwtGuard extends JwtGuard {
      protected override principal(claims: { sub?: string; roles?: string[] }) {
        return { id: claims.sub, roles: claims.roles ?? [] };
      }
    }
    const jwt = new UserJwtGuard({ secret: JWT_SECRET, algorithms: ['HS256'] });

    @Controller('/books')
    @Guard(jwt, RolesGuard)
    class BooksController {
      @Get('/') list(@Ctx() ctx: RequestContext) { return ctx.state.user; }
      @Post('/') @Scopes('books:write') create(@Body({ validate: false }) _body: unknown) { return {}; }
      @Delete('/:id') @Roles('admin', 'owner') remove() {}
    }

    @Controller('/')
    class Pages {
      @Get('/') @ResponseHeader('Content-Type', 'text/html; charset=utf-8')
      page(@Ctx() ctx: RequestContext) { return `<script nonce="${cspNonce(ctx)}">boot()</script>`; }
    }

    const client = await serve(createApp({
      controllers: [BooksController, Pages],
      securityHeaders: { contentSecurityPolicy: { directives: { 'script-src': ["'self'", NONCE] } } },
    }));
    try {
      const as = (claims: Record<string, unknown>) => `Bearer ${signJwt(claims, { secret: JWT_SECRET })}`;
      await client.get('/books').set('authorization', as({ sub: '7', roles: ['owner'] })).expect(200).expectJson({ id: '7', roles: ['owner'] });
      await client.delete('/books/1').set('authorization', as({ sub: '7', roles: ['owner'] })).expect(204);
      await client.post('/books').set('authorization', as({ sub: '7', roles: ['owner'] })).json({}).expect(403);
      const page = await client.get('/').expect(200);
      const nonce = /'nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))![1];
      expect(page.text).toBe(`<script nonce="${nonce}">boot()</script>`);
    } finally {
      await client.close();
    }
  });

  it('runs the Conduit-style Token example with optional authentication for public reads', async () => {
    const articles = [{ slug: 'hello', favoritedBy: ['jake'] }];
    class NewArticle { @IsString() title!: string; }
    const auth = new JwtGuard({ secret: JWT_SECRET, algorithms: ['HS256'], scheme: 'Token' });
    const reader = new JwtGuard({ secret: JWT_SECRET, algorithms: ['HS256'], scheme: 'Token', optional: true });

    @Controller('/articles')
    class ArticlesController {
      @Get('/') @Guard(reader)
      list(@Ctx() ctx: RequestContext) {
        const user = ctx.state.user as { username: string } | undefined;
        return articles.map((a) => ({ ...a, favorited: user !== undefined && a.favoritedBy.includes(user.username) }));
      }

      @Post('/') @Guard(auth)
      create(@Body() _body: NewArticle) { return {}; }
    }

    const client = await serve(createApp({ controllers: [ArticlesController] }));
    try {
      const token = `Token ${signJwt({ username: 'jake' }, { secret: JWT_SECRET })}`;
      await client.get('/articles').expect(200).expectJson([{ slug: 'hello', favoritedBy: ['jake'], favorited: false }]);
      await client.get('/articles').set('authorization', token).expect(200).expectJson([{ slug: 'hello', favoritedBy: ['jake'], favorited: true }]);
      await client.get('/articles').set('authorization', 'Token null').expect(401).expectHeader('www-authenticate', 'Token error="invalid_token", error_description="The token is malformed."');
      await client.post('/articles').json({ title: 'Hi' }).expect(401).expectHeader('www-authenticate', 'Token')
        .expectJson({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'A token is required: send "Authorization: Token <token>".', instance: '/articles' });
      await client.post('/articles').set('authorization', token).json({ title: 'Hi' }).expect(201);
    } finally {
      await client.close();
    }
  });

  it('runs the extractToken override for EventSource clients', async () => {
    class SseJwtGuard extends JwtGuard {
      protected override extractToken(ctx: RequestContext) {
        const t = ctx.query.access_token;
        return typeof t === 'string' ? t : super.extractToken(ctx);
      }
    }
    @Controller('/events')
    @Guard(new SseJwtGuard({ secret: JWT_SECRET, algorithms: ['HS256'] }))
    class Events { @Get('/') me(@Ctx() ctx: RequestContext) { return ctx.state.user; } }
    const client = await serve(createApp({ controllers: [Events] }));
    try {
      const token = signJwt({ sub: '9' }, { secret: JWT_SECRET });
      const res = await client.get(`/events?access_token=${token}`).expect(200);
      expect(res.json()).toMatchObject({ sub: '9' });
      await client.get('/events').set('authorization', `Bearer ${token}`).expect(200);
      await client.get('/events').expect(401).expectHeader('www-authenticate', 'Bearer');
    } finally {
      await client.close();
    }
  });
});
