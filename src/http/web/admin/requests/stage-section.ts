// A pending request's approval stage on its console page: which stage of how many, who
// decides it, since when, and whether it waits for the viewer. The decide forms show only
// to someone who may decide (decide-request.ts refuses the others anyway).
import type { StageView } from '../../../../app/stage-authority.ts';
import { describeRef, stageDeciders } from '../../../../domain/approval-stages.ts';
import { timeTag, userText } from '../../components.ts';
import { html, type Raw } from '../../html.ts';

export function stageSection(stage: StageView | null | undefined): Raw {
  if (!stage) return html``;
  const deciders = stageDeciders(stage.stage, stage.round).map(describeRef);
  return html`<section aria-labelledby="stage">
    <h2 id="stage">Approval</h2>
    <dl class="facts">
      <dt>Stage</dt><dd>${stage.index + 1} of ${stage.stages.length}: ${userText(stage.stage.name)}${
        stage.round > 0 ? ' (escalated to its alternates)' : ''
      }</dd>
      <dt>Decided by</dt><dd>${userText(deciders.join(', '))} (any one of them; admins may always decide)</dd>
      ${stage.startedAt ? html`<dt>Waiting since</dt><dd>${timeTag(stage.startedAt)}</dd>` : html``}
      <dt>You</dt><dd>${
        stage.mayDecide
          ? html`<strong class="waiting-for-you">Waiting for you</strong>`
          : stage.self
            ? 'This is your own request: another approver decides it.'
            : 'Not yours to decide at this stage.'
      }</dd>
    </dl>
  </section>`;
}
