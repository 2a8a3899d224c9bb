// The chat page: plain JavaScript, no build step. It reads the answer as server-sent events
// from a POST (fetch + a small SSE reader), since EventSource only does GET and re-asks on close.

const $ = (selector, root = document) => root.querySelector(selector);

/** A stable id for this browser, sent with every request: the server keys the preset by it. */
function userId() {
  let id = localStorage.getItem('stopwise-user');
  if (!id) {
    id = `u-${crypto.randomUUID()}`;
    localStorage.setItem('stopwise-user', id);
  }
  return id;
}
const user = userId();
let presetSaved = Promise.resolve();

/** Fills a savings list (`dl`) with the totals' text, keeping the figures as data attributes. */
function showTotals(list, totals) {
  list.replaceChildren();
  for (const [label, text] of [
    ['answers', totals.text.calls],
    ['tokens', totals.text.tokens],
    ['dollars', totals.text.dollars],
    ['seconds', totals.text.seconds],
  ]) {
    const term = document.createElement('dt');
    term.textContent = label;
    const value = document.createElement('dd');
    value.className = `total-${label}`;
    value.textContent = text;
    list.append(term, value);
  }
  Object.assign(list.dataset, {
    calls: totals.calls,
    stops: totals.stops,
    holdouts: totals.holdouts,
    tokensSaved: totals.tokensSaved,
    unestimatedStops: totals.unestimatedStops,
    costSaved: totals.costSaved,
    timeSavedMs: totals.timeSavedMs,
  });
}

async function load() {
  const config = await (await fetch(`/api/config?user=${encodeURIComponent(user)}`)).json();
  $('#backend').textContent = `Answers from ${config.backend}.`;
  const select = $('#preset');
  for (const name of config.presets) select.append(new Option(name, name, false, name === config.preset));
  const list = $('#suggestions');
  for (const question of config.questions) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.id = question.id;
    button.textContent = question.label;
    button.title = question.prompt;
    button.addEventListener('click', () => {
      $('#question').value = question.prompt;
      $('#question').focus();
    });
    item.append(button);
    list.append(item);
  }
  showTotals($('#totals'), config.totals);
  showTotals($('#user-totals'), config.userTotals);
  document.body.dataset.ready = 'true';
}

$('#preset').addEventListener('change', (event) => {
  const preset = event.target.value;
  $('#preset-note').textContent = 'saving…';
  presetSaved = fetch('/api/preset', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, preset }),
  }).then(async (response) => {
    $('#preset-note').textContent = response.ok
      ? `${preset} from your next question on`
      : (await response.json()).error;
  });
});

/** Yields `{ event, data }` for each server-sent event of a response body. */
async function* serverEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      let event = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) };
    }
  }
}

async function ask(question) {
  const article = $('#answer-template').content.firstElementChild.cloneNode(true);
  $('.question', article).textContent = question;
  $('#answers').prepend(article);
  const text = $('.text', article);
  const end = $('.end', article);
  await presetSaved;
  const response = await fetch('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, question }),
  });
  if (!response.ok || !response.body) {
    end.textContent = `error: ${(await response.json().catch(() => ({}))).error ?? response.status}`;
    article.dataset.state = 'done';
    return;
  }
  article.dataset.state = 'streaming';
  for await (const { event, data } of serverEvents(response.body)) {
    if (event === 'text') text.textContent += data.delta;
    else if (event === 'reasoning') $('.thinking', article).textContent += data.delta;
    else if (event === 'stop') {
      // The cut can fall a few characters before what was already shown (a loop's start).
      if (data.retractedChars > 0) text.textContent = text.textContent.slice(0, -data.retractedChars);
      end.textContent = `stopped by ${data.policy} at token ${data.atToken}: ${data.reason}`;
      end.classList.add('stopped');
    } else if (event === 'done') {
      text.textContent = data.text;
      end.textContent = data.end;
      Object.assign(end.dataset, {
        outcome: data.outcome,
        policy: data.stop?.policy ?? '',
        atToken: data.stop?.atToken ?? '',
      });
      $('.profile', article).textContent = data.profile ?? 'none';
      $('.hint', article).textContent = data.hint ?? '';
      for (const [name, value] of [
        ['tokens', data.savings.tokensSaved],
        ['dollars', data.savings.costSaved],
        ['seconds', data.savings.timeSavedMs],
      ]) {
        const cell = $(`.saved-${name}`, article);
        cell.textContent = data.savings[name];
        cell.dataset.value = value ?? '';
      }
      showTotals($('#totals'), data.totals);
      showTotals($('#user-totals'), data.userTotals);
      article.dataset.state = 'done';
    }
  }
}

$('#ask-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const question = $('#question').value;
  if (!question.trim()) return;
  const button = $('#ask');
  button.disabled = true;
  $('#status').textContent = 'streaming…';
  try {
    await ask(question);
  } catch (error) {
    $('#status').textContent = `failed: ${error.message}`;
    return;
  } finally {
    button.disabled = false;
  }
  $('#status').textContent = '';
});

load().catch((error) => {
  $('#status').textContent = `could not load: ${error.message}`;
});
