export * from './definition/types';
export * from './definition/message';
export * from './definition/text';
export * from './definition/meta-schema';
export * from './definition/check-definition';
export * from './definition/canonical-json';
export * from './definition/rename-field';
export * from './definition/derived-fields';
export * from './definition/ledger-model';
export * from './definition/ledger-date';
export * from './definition/period';
export * from './definition/fillers';
export * from './field-types/field-type';
export * from './field-types/registry';
export { hasUnstorableCharacter, isBlank, UNSTORABLE_TEXT } from './field-types/field-type-kit';
export { strictDate } from './field-types/temporal';
export { checkPhoneNumber } from './field-types/phone.field-type';
export {
  fileProblems,
  kindName,
  sizeInBytes,
  sizeText,
  type AttachmentField,
} from './field-types/attachment.field-type';
export { ON_DELETE, type OnDelete, type ReferenceField } from './field-types/reference.field-type';
export * from './formula';
export * from './validate/validate-row';
export * from './compile';
export * from './views/view-config';
