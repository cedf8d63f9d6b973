import path from 'node:path';
import { loadSpec } from '../../config/loadSpec';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'support-tickets');

describe('examples/support-tickets/pipeline.manual.yaml', () => {
  it('is the demo pipeline under its own name, with only the approval (and description) different', () => {
    const auto = loadSpec(path.join(EXAMPLE, 'pipeline.yaml')).spec;
    const manual = loadSpec(path.join(EXAMPLE, 'pipeline.manual.yaml')).spec;
    // The same name is what puts its approvals into `tailor registry history support-tickets`.
    expect(manual.name).toBe(auto.name);
    expect(manual.deploy.approval).toMatchObject({ type: 'manual', approvers: ['alice', 'bob'] });
    const rest = (s: typeof auto) => ({ ...s, description: undefined, deploy: { ...s.deploy, approval: undefined } });
    expect(rest(manual)).toEqual(rest(auto));
  });
});
