import { APIRequestContext, expect, request as playwrightRequest } from '@playwright/test';

/**
 * The staff side's API, signed in as one account (its own cookie jar). The accounts are the
 * demo ones `onetrip-server seed` creates (`window`, `supervisor`, each department's code),
 * with the password the tester gave it in `ONETRIP_DEMO_PASSWORD` and gives here in
 * `STAFF_PASSWORD`. Without `STAFF_PASSWORD` the staff parts of the journeys are skipped.
 */
export const STAFF_PASSWORD = process.env.STAFF_PASSWORD;

export class StaffApi {
  private constructor(readonly context: APIRequestContext, readonly username: string) {}

  static async signIn(username: string, baseURL: string): Promise<StaffApi> {
    const context = await playwrightRequest.newContext({ baseURL });
    const res = await context.post('/api/v1/staff/session', {
      data: { username, password: STAFF_PASSWORD },
    });
    expect(res.status(), `${username} signs in`).toBe(200);
    return new StaffApi(context, username);
  }

  /** One decision (`accept`, `request_correction`, `approve`…); the application as it is after. */
  async act(number: string, action: Record<string, unknown>, status = 200): Promise<any> {
    const res = await this.context.post(`/api/v1/staff/applications/${number}/actions`, { data: action });
    expect(res.status(), `${this.username}: ${JSON.stringify(action)} → ${await res.text()}`).toBe(status);
    return res.json();
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
  }
}
