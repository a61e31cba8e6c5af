import { IsEmail, IsString, Length } from 'class-validator';

/** A user as the API shows it: never the password hash. */
export interface User {
  id: number;
  email: string;
  role: 'reader' | 'admin';
}

/** The body of `POST /auth/signup` and `POST /auth/login`. */
export class Credentials {
  @IsEmail()
  email!: string;

  /** 12 characters at least; no other rule (NIST SP 800-63B). */
  @IsString()
  @Length(12, 200)
  password!: string;
}

/** What signing up or logging in answers. */
export interface Session {
  /** Send it as `Authorization: Bearer <token>`; valid for an hour. */
  token: string;
  user: User;
}
