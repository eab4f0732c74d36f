/** A service changed state; published for the composition root's runner, shown live on the status page. */
export interface LifecycleTopics {
  'system.service_state': {
    service: string;
    state: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
    /** Why it failed, when `state` is `failed`. */
    error?: string;
  };
}
