export { askTeacher } from './askTeacher';
export { compareWithTeacher } from './compareWithTeacher';
export { materializeDistillPrompts } from './materializeDistillPrompts';
