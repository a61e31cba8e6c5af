import { IsEmail, IsString, Length } from 'class-validator';

export class Credentials {
  @IsEmail() email!: string;
  @IsString() @Length(12, 200) password!: string;
}
