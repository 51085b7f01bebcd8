// The live stream (GET /api/v1/stream): a "snapshot" message on connect, a "round" message after
// every probe round. Reconnects by itself with exponential backoff and jitter (0.5 s doubling to
// 15 s), starting over after a connection that stayed up.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;

export function streamUrl(location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/stream`;
}

// onMessage(message) for each parsed message; onState('connecting' | 'connected' | 'disconnected').
export function connectStream({ onMessage, onState, url = streamUrl() }) {
  let delay = FIRST_DELAY_MS;
  let socket = null;
  let timer = null;
  let stopped = false;

  function open() {
    timer = null;
    onState('connecting');
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      delay = FIRST_DELAY_MS;
      onState('connected');
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        console.warn('regionguard: ignoring a stream message that is not JSON', error);
        return;
      }
      onMessage(message);
    });
    socket.addEventListener('close', () => {
      socket = null;
      onState('disconnected');
      if (stopped) return;
      const wait = delay / 2 + Math.random() * (delay / 2);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      timer = setTimeout(open, wait);
    });
    // An 'error' is always followed by 'close', which schedules the retry.
  }

  open();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
