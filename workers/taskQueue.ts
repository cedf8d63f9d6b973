/** The task queue Tailor's workflows and activities run on (`TAILOR_TASK_QUEUE` to share one server among teams). */
export const TASK_QUEUE = process.env.TAILOR_TASK_QUEUE ?? 'tailor';
