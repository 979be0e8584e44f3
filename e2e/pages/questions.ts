import { APIRequestContext, expect, Locator, Page } from '@playwright/test';
import { Layout } from './layout';

/** One situational question (情形引导) per page: a radio group and a continue button. */
export class QuestionPage {
  readonly layout: Layout;
  readonly question: Locator;
  readonly continueButton: Locator;
  readonly errorSummary: Locator;

  constructor(readonly page: Page) {
    this.layout = new Layout(page);
    this.question = page.getByRole('main').getByRole('group');
    this.continueButton = page.getByRole('button', { name: /^(继续|Continue)$/ });
    this.errorSummary = page.getByRole('alert');
  }

  /** The question's key, from the address (`.../questions/{key}`). */
  key(): string {
    const m = new URL(this.page.url()).pathname.match(/\/questions\/([a-z0-9_]+)$/);
    return m ? m[1] : '';
  }

  options(): Locator {
    return this.page.getByRole('radio');
  }

  async choose(label: string) {
    await this.page.getByRole('radio', { name: label, exact: true }).check();
    await this.continueButton.click();
  }

  async expectOnQuestion(text: string) {
    await expect(this.question).toBeVisible();
    await expect(this.layout.heading).toHaveText(text);
  }
}

export type Option = { value: string; label: string; label_en: string };
export type Gated = { question: { key: string; text: string; text_en: string; option: Option[] } };

/** A subject's questions as the API gives them (`bundles/newborn`, `matters/bank-account`). */
export async function questionnaire(request: APIRequestContext, path: string): Promise<Gated[]> {
  const q = await (await request.get(`/api/v1/${path}/questions`)).json();
  return q.questions;
}

/** Answer every question the app asks with `pick`, returning the answers given by key. */
export async function answerAll(
  page: Page,
  questions: Gated[],
  pick: (q: Gated['question'], n: number) => Option,
  audit?: (label: string) => Promise<void>,
  english = false,
): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  const form = new QuestionPage(page);
  for (let n = 0; n < questions.length; n++) {
    await expect(page).toHaveURL(/\/questions\/[a-z0-9_]+$|\/c\/[0-9A-Z]{10}$/);
    if (/\/c\//.test(page.url())) break;
    const key = form.key();
    const q = questions.find((g) => g.question.key === key)!.question;
    await form.expectOnQuestion(english ? q.text_en : q.text);
    if (n === 0 && audit) await audit('first question');
    const option = pick(q, n);
    answers[key] = option.value;
    await form.choose(option.label);
  }
  return answers;
}
