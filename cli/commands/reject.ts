import { approvalCommand } from '../stack/approvalCommand';

export const command = approvalCommand('reject');
