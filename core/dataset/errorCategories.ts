/**
 * Every reason validation can reject a line, under a stable name a user can search for. The first seven are the
 * OpenAI cookbook data-prep notebook's own categories (same names, so its users recognise them); the rest cover
 * what the notebook does not check but the provider rejects on, plus unreadable input.
 */
export const ERROR_CATEGORIES = {
  // The data-prep guide's categories.
  data_type: 'the line (or a message) is not a JSON object',
  missing_messages_list: '`messages` is absent, not a list, or empty',
  message_missing_key: 'a message lacks `role` or `content` (or a tool message its `tool_call_id`)',
  message_unrecognized_key: 'a message has a key the format does not define',
  unrecognized_role: 'a role the method does not accept',
  missing_content: 'content is empty, or neither text nor content parts (null only with tool calls)',
  example_missing_assistant_message: 'no assistant message to learn from',
  // Beyond the guide.
  invalid_weight: '`weight` other than 0 or 1, or on a message that is not the assistant’s',
  invalid_content_part: 'a content part that is not text or an image URL, or an image where images are not allowed',
  too_many_images: 'more than 10 images in one example',
  invalid_tools: '`tools` is not a list of function definitions with names',
  invalid_tool_call:
    'a tool call without id/name, arguments that are not valid JSON, or a tool result answering no call',
  undeclared_tool: 'a tool call naming a function the example does not declare',
  special_token: 'text contains a special token such as <|endoftext|>, which fails the whole job',
  dpo_invalid_input: 'DPO `input` is not an object with a non-empty `messages` list',
  dpo_invalid_output: 'DPO preferred/non-preferred output is not exactly one assistant message with text',
  // Unreadable input.
  invalid_json: 'the line is not valid JSON',
  invalid_utf8: 'the line is not valid UTF-8',
  line_too_long: 'the line exceeds the reader’s size limit and was skipped',
  empty_file: 'the file has no examples',
  too_few_examples: 'fewer than the provider’s minimum of 10 examples',
} as const;

export type ErrorCategory = keyof typeof ERROR_CATEGORIES;

export interface Issue {
  category: ErrorCategory;
  message: string;
}
