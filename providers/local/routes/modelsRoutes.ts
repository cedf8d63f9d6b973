/** `/v1/models`: base models (with `shutdown_date`) and fine-tuned models; DELETE for `ft:` models. */
import { invalidRequest, modelNotFound } from '../http/apiError';
import { json, type Route } from '../http/route';
import type { ModelRegistry } from '../inference/modelRegistry';
import { baseModel } from '../catalog/baseModels';

export function modelRoutes(models: ModelRegistry): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/v1\/models$/,
      name: 'models.list',
      handler: () => json({ object: 'list', data: models.list() }),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/models\/(.+)$/,
      name: 'models.retrieve',
      handler({ params }) {
        const m = models.get(params[0]!);
        if (!m) throw modelNotFound(params[0]!);
        return json(m);
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/models\/(.+)$/,
      name: 'models.delete',
      handler({ params }) {
        const id = params[0]!;
        if (baseModel(id)) throw invalidRequest(`You cannot delete base model ${id}.`, 'model', 'model_not_deletable');
        if (!models.delete(id)) throw modelNotFound(id);
        return json({ id, object: 'model', deleted: true });
      },
    },
  ];
}
