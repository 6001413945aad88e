/** Services by group, in the order of site.yaml. */
import type { ServiceGroup, ServiceView } from './types.js';

/** Services by group, groups in the order of their first service; runs of ungrouped services form `name: null` groups. */
export function groupServices(services: ServiceView[]): ServiceGroup[] {
  const groups: ServiceGroup[] = [];
  const named = new Map<string, ServiceGroup>();
  for (const service of services) {
    if (service.group === undefined || service.group === '') {
      const last = groups[groups.length - 1];
      if (last && last.name === null) last.services.push(service);
      else groups.push({ name: null, services: [service] });
      continue;
    }
    let group = named.get(service.group);
    if (!group) {
      group = { name: service.group, services: [] };
      named.set(service.group, group);
      groups.push(group);
    }
    group.services.push(service);
  }
  return groups;
}

