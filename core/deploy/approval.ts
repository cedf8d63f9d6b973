import { z } from 'zod';
import type { ApprovalPolicy } from '../spec/deploySpec';

/** What `tailor approve/reject` sends: a name on the list and a reason, both required. */
export const ApprovalRequestSchema = z
  .object({
    by: z.string().trim().min(1, 'an approver name is required (--by NAME)'),
    reason: z.string().trim().min(1, 'a reason is required (--reason TEXT)'),
  })
  .strict();
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

export interface ApprovalDecision extends ApprovalRequest {
  decision: 'approved' | 'rejected';
  /** Workflow time of the decision (ms since the epoch). */
  at: number;
}

export interface PendingApproval {
  waitingSince: number;
  deadline: number;
  approvers: string[];
  candidate: { model: string; score: number };
  baseline: { model: string; score: number; kind: string };
  gateReason: string;
}

/**
 * Checks an approval request against the policy. Throws with a message the approver can act on; used as the
 * Update's validator, so a refused request never enters history and the workflow keeps waiting.
 */
export function checkApprovalRequest(policy: ApprovalPolicy, request: unknown): ApprovalRequest {
  const parsed = ApprovalRequestSchema.safeParse(request);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  if (policy.type !== 'manual') throw new Error('this deployment does not wait for approval');
  if (!policy.approvers.includes(parsed.data.by)) {
    throw new Error(
      `'${parsed.data.by}' is not an approver for this deployment (approvers: ${policy.approvers.join(', ')})`,
    );
  }
  return parsed.data;
}
