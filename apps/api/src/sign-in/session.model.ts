import { Field, ObjectType } from '@nestjs/graphql';
import { UserModel } from '../users/user.model';

@ObjectType('Session')
export class SessionModel {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`; the browser uses the cookie instead.' })
  token: string;

  @Field(() => UserModel)
  user: UserModel;

  @Field(() => Date, { description: 'When the session ends if unused; each request pushes it forward.' })
  expiresAt: Date;
}
