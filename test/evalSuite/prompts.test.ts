import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPromptTemplate, parsePromptTemplate } from '../../config/promptSpec';
import { YamlSpecError } from '../../config/yamlDiagnostics';
import { PromptRenderError, renderPrompt, systemText } from '../../core/prompts/renderPrompt';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'prompts', 'classify.yaml');
const TICKETS = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'data', 'tickets.jsonl');

describe('prompt templates', () => {
  it('renders the example template to exactly the dataset system prompt', () => {
    const { template, version } = loadPromptTemplate(EXAMPLE);
    const first = JSON.parse(fs.readFileSync(TICKETS, 'utf8').split('\n')[0]!) as {
      messages: { role: string; content: string }[];
    };
    const messages = renderPrompt(template, { ticket: first.messages[1]!.content });
    expect(messages).toEqual(first.messages.slice(0, 2));
    expect(version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('versions normalised content: comments, key order and quoting do not matter; any visible change does', () => {
    const a = parsePromptTemplate('name: t\nsystem: You help.\nvariables: [q]\nuser: "{{q}}"\n', 'a.yaml');
    const b = parsePromptTemplate(
      '# a comment\nuser: \'{{ q }}\'\nvariables:\n  q: {}\nsystem: "You help."   \nname: t\n',
      'b.yaml',
    );
    const c = parsePromptTemplate('name: t\nsystem: You help!\nvariables: [q]\nuser: "{{q}}"\n', 'c.yaml');
    expect(b.version).not.toBe(c.version);
    // `{{ q }}` and `{{q}}` are different text (the version is of the file's content, normalised, not of its meaning)
    const b2 = parsePromptTemplate(
      '# a comment\nuser: \'{{q}}\'\nvariables:\n  q: {}\nsystem: "You help."   \nname: t\n',
      'b.yaml',
    );
    expect(b2.version).toBe(a.version);
  });

  it('renders every part in order, with constraints as a list and the step-by-step cue', () => {
    const { template } = parsePromptTemplate(
      'name: qa\nsystem: You are a careful analyst.\ninstructions: Answer about {{topic}}.\nconstraints: ' +
        '[Cite sources., Be brief.]\noutputFormat: Reply in JSON.\nstepByStep: true\nvariables: [topic, ' +
        'question]\nuser: "Q: {{question}}"\n',
      'qa.yaml',
    );
    expect(systemText(template)).toBe(
      'You are a careful analyst.\n\nAnswer about {{topic}}.\n\n- Cite sources.\n- Be brief.\n\nReply in ' +
        'JSON.\n\nThink through the problem step by step before you give the final answer.',
    );
    const msgs = renderPrompt(template, { topic: 'tides', question: 'why two a day?' }, [
      { user: 'Q: why salt?', assistant: 'minerals' },
    ]);
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(msgs[0]!.content).toContain('Answer about tides.');
    expect(msgs[3]!.content).toBe('Q: why two a day?');
  });

  it('a missing or undeclared variable is an error naming it', () => {
    const { template } = parsePromptTemplate(
      'name: t\nsystem: S\nvariables: {a: {}, b: {default: "x"}}\nuser: "{{a}} {{b}}"\n',
      't.yaml',
    );
    expect(renderPrompt(template, { a: '1' }).at(-1)!.content).toBe('1 x');
    expect(() => renderPrompt(template, {})).toThrow(PromptRenderError);
    expect(() => renderPrompt(template, {})).toThrow(/missing variable 'a'/);
    expect(() => renderPrompt(template, { a: '1', c: '2' })).toThrow(/undeclared variable 'c'/);
  });

  it('rejects a template that uses an undeclared variable or declares an unused one, naming file and line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-prompt-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      'name: bad\nsystem: S\nvariables: [a, unused]\ninstructions: use {{b}}\nuser: "{{a}} {{item.x}}"\nextra: 1\n',
    );
    let err: unknown;
    try {
      loadPromptTemplate(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(YamlSpecError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${file}:6: extra: unknown key 'extra'`);
    fs.writeFileSync(
      file,
      'name: bad\nsystem: S\nvariables: [a, unused]\ninstructions: use {{b}}\nuser: "{{a}} {{item.x}}"\n',
    );
    const msg2 = (() => {
      try {
        loadPromptTemplate(file);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(msg2).toContain(`${file}:4: instructions: undeclared variable 'b'`);
    expect(msg2).toContain(`${file}:5: user: malformed placeholder {{item.x}}`);
    expect(msg2).toMatch(/variables.unused: variable 'unused' is declared but never used/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
