import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalRequest, PendingApproval } from '../core/deploy/approval';

// deployWorkflow's messages.

/**
 * `tailor approve RUN --by NAME --reason TEXT`: validated (approver on the list, a reason) before it enters
 * history.
 */
export const approveUpdate = defineUpdate<ApprovalDecision, [ApprovalRequest]>('approve');
/** `tailor reject RUN --by NAME --reason TEXT`. */
export const rejectUpdate = defineUpdate<ApprovalDecision, [ApprovalRequest]>('reject');
/** What waits for approval, and since when; null when nothing does. */
export const pendingApprovalQuery = defineQuery<PendingApproval | null>('pendingApproval');
