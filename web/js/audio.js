// Sound effects synthesised with WebAudio (no sound files): a short noise burst through a
// filter for shots and explosions, a tone blip for hits. The context starts on the first user
// gesture, as browsers require, and every sound is cheap and fire-and-forget.

export class Sound {
  constructor() { this.ctx = null; this.muted = false; this.noise = null; }

  /** Creates the audio context; call from a user gesture (the join button). */
  start() {
    if (this.ctx) return;
    const AC = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!AC) return;
    this.ctx = new AC();
    const len = this.ctx.sampleRate;
    this.noise = this.ctx.createBuffer(1, len, this.ctx.sampleRate);
    const data = this.noise.getChannelData(0);
    for (let i = 0; i < len; i++) data[i] = Math.random() * 2 - 1;
  }

  toggleMute() { this.muted = !this.muted; return this.muted; }

  ready(volume) { return this.ctx && !this.muted && volume > 0.02 && this.ctx.state === 'running'; }

  burst(volume, duration, freq, type) {
    const c = this.ctx, t = c.currentTime;
    const src = c.createBufferSource(); src.buffer = this.noise;
    const filter = c.createBiquadFilter(); filter.type = type; filter.frequency.setValueAtTime(freq, t);
    filter.frequency.exponentialRampToValueAtTime(Math.max(40, freq / 6), t + duration);
    const gain = c.createGain(); gain.gain.setValueAtTime(volume, t); gain.gain.exponentialRampToValueAtTime(0.001, t + duration);
    src.connect(filter).connect(gain).connect(c.destination);
    src.start(t, Math.random() * 0.5); src.stop(t + duration);
  }

  tone(volume, duration, from, to, type = 'square') {
    const c = this.ctx, t = c.currentTime;
    const osc = c.createOscillator(); osc.type = type;
    osc.frequency.setValueAtTime(from, t); osc.frequency.exponentialRampToValueAtTime(to, t + duration);
    const gain = c.createGain(); gain.gain.setValueAtTime(volume, t); gain.gain.exponentialRampToValueAtTime(0.001, t + duration);
    osc.connect(gain).connect(c.destination);
    osc.start(t); osc.stop(t + duration);
  }

  fire(volume = 1) { if (this.ready(volume)) { this.burst(0.35 * volume, 0.18, 2400, 'lowpass'); this.tone(0.12 * volume, 0.12, 180, 60); } }
  explode(volume = 1) { if (this.ready(volume)) { this.burst(0.6 * volume, 0.7, 900, 'lowpass'); this.tone(0.25 * volume, 0.5, 90, 30, 'sine'); } }
  hit(volume = 1) { if (this.ready(volume)) this.tone(0.12 * volume, 0.08, 900, 500); }
  bounce(volume = 1) { if (this.ready(volume)) this.tone(0.06 * volume, 0.05, 1600, 1200, 'triangle'); }
}
