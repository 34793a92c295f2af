/**
 * Recognises a prospect's opt-out ("STOP", "please stop messaging me", "désabonnez-moi"), after
 * which no follow-up or nudge may be sent. Built for precision over recall: a keyword counts only
 * as the whole message ("cancel my order" is not an opt-out), and a phrase only as a whole clause
 * about being contacted ("can you stop the delivery?" is not one either).
 */

/** Whole-message opt-out keywords: the carriers' SMS keywords and their equivalents elsewhere. */
export const STOP_KEYWORDS: readonly string[] = [
  // English, including the CTIA / FCC SMS keywords.
  'stop',
  'stopall',
  'stop all',
  'unsubscribe',
  'unsubscribe me',
  'unsub',
  'cancel',
  'end',
  'quit',
  'revoke',
  'opt out',
  'optout',
  'remove me',
  // French
  'arret',
  'arreter',
  'arretez',
  'desabonner',
  'me desabonner',
  'se desabonner',
  'desabonnement',
  'desinscrire',
  'me desinscrire',
  'desinscription',
  // Spanish
  'baja',
  'de baja',
  'dar de baja',
  'darme de baja',
  'cancelar suscripcion',
  'cancelar la suscripcion',
  'cancelar mi suscripcion',
  // German
  'stopp',
  'abmelden',
  'abbestellen',
  'austragen',
  // Dutch
  'afmelden',
  'uitschrijven',
  'stoppen',
  // Portuguese
  'parar',
  'pare',
  'cancelar',
  'descadastrar',
];

const TOPIC = '(?:this|that|the|your|these|all|all your|all of your|any|every)(?: \\w+){0,3}';
const MESSAGES =
  '(?:messages|emails|e mails|mails|texts|text messages|sms|calls|marketing|promotions|offers|spam|newsletters)';

/** Whole-clause opt-out phrases, matched against normalised text (lower case, no accents or punctuation). */
export const OPT_OUT_PHRASES: readonly RegExp[] = [
  // English
  /^(?:stop|quit|cease) (?:contacting|messaging|texting|emailing|e mailing|mailing|calling|phoning|writing to|writing|spamming|bothering|pestering|harassing|hassling|pinging|following up with) (?:me|us)$/,
  new RegExp(`^(?:stop|quit) sending (?:me |us )?(?:any )?(?:more )?(?:${MESSAGES}|these|this|stuff)$`),
  /^(?:do not|don't|dont|never) (?:ever )?(?:contact|message|text|email|e mail|mail|call|phone|write to|write|bother|spam) (?:me|us)$/,
  /^(?:i |we )?(?:do not|don't|dont) (?:want|wish) to be (?:contacted|messaged|emailed|texted|called)$/,
  /^leave (?:me|us) alone$/,
  /^(?:remove|take|delete|drop|erase|unsubscribe) (?:me|us|my (?:number|phone number|email|email address|e mail|address|details|contact details|data|info|information)) (?:from|off)(?: of)? (?:your|the|this|all|all your|all of your|any|every) (?:mailing |email |e mail |contact |sms |text |marketing |distribution )?(?:list|lists|database|contacts|system|records|newsletter)$/,
  new RegExp(`^unsubscribe (?:me|us)(?: from ${TOPIC})?$`),
  new RegExp(
    `^(?:(?:i|we) (?:want|wish|need|would like|d like)|i'd like|we'd like|id like) to (?:unsubscribe|opt out|be removed|be taken off|be unsubscribed)(?: (?:from|of|off) ${TOPIC})?$`,
  ),
  new RegExp(`^(?:i |we )?opt (?:me |us )?out(?: (?:of|from) ${TOPIC})?$`),
  new RegExp(
    `^(?:no more|(?:i|we) (?:do not|don't|dont) want (?:any more|anymore|any|your|these)) ${MESSAGES}(?: from you)?$`,
  ),
  // French
  /^ne (?:me|nous) (?:contactez|contacte|contactes|ecrivez|ecris|appelez|appelle|envoyez|envoie) plus(?: rien| de messages?| jamais)?$/,
  /^(?:arretez|arrete|cessez|veuillez arreter|merci d'arreter) de (?:me |m'|nous )(?:contacter|ecrire|appeler|envoyer des (?:messages|mails|emails|e mails|sms)|harceler|spammer|relancer)$/,
  /^(?:desabonnez|desinscrivez|retirez|supprimez|enlevez) moi(?: de (?:votre|vos|la|cette) (?:liste|listes|liste de diffusion|newsletter))?$/,
  /^je (?:veux|voudrais|souhaite) (?:me desabonner|me desinscrire|etre retire(?:e)? de (?:votre|la) liste)$/,
  /^(?:laissez|laisse) moi tranquille$/,
  // Spanish
  /^no me (?:contacten|contactes|escriban|escribas|llamen|llames|envien mensajes|envies mensajes|manden mensajes|mandes mensajes) mas$/,
  /^(?:dejen|deja|dejad) de (?:escribirme|contactarme|llamarme|enviarme mensajes|mandarme mensajes)$/,
  /^(?:quiero|deseo|quisiera) (?:darme de baja|dar de baja|cancelar (?:la|mi) suscripcion|desuscribirme)$/,
  /^dejame en paz$/,
  // German
  /^(?:kontaktieren|schreiben) sie mir nicht mehr$/,
  /^(?:kontaktieren|schreiben|anrufen|rufen) sie mich nicht mehr(?: an)?$/,
  /^nicht mehr (?:kontaktieren|schreiben|anrufen)$/,
  /^ich (?:mochte|will) mich abmelden$/,
  /^(?:horen sie auf|hor auf) mir zu schreiben$/,
  /^(?:lassen sie mich|lass mich) in ruhe$/,
  // Dutch
  /^ik wil (?:me|mij) afmelden$/,
  /^(?:neem|graag) geen contact meer(?: met (?:me|mij))?(?: op)?$/,
  /^(?:stop|stoppen|stop alstublieft) met (?:mailen|bellen|sms'en|berichten sturen|appen)$/,
  /^laat (?:me|mij) met rust$/,
  // Portuguese
  /^(?:pare|parem|para) de (?:me enviar mensagens|me mandar mensagens|me contatar|me contactar|me ligar|me escrever)$/,
  /^nao (?:me )?(?:contate|contatem|contacte|envie|enviem|mande|mandem) mais(?: mensagens)?$/,
  /^(?:quero|gostaria de) (?:cancelar (?:a|minha) inscricao|sair da lista|me descadastrar|descadastrar)$/,
  /^me (?:deixe|deixa) em paz$/,
];

/** Politeness that may surround an opt-out without changing it. */
const POLITE_LEAD =
  /^(?:(?:hi|hello|hey|please|pls|plz|no thanks|no thank you|not interested|por favor|bitte|svp)\s+)+/;
const POLITE_TAIL =
  /(?:\s+(?:please|pls|plz|thanks|thank you|thx|svp|s'il vous plait|s'il te plait|merci|por favor|gracias|bitte|danke|alstublieft|aub|obrigado|obrigada))+$/;
/** Framing around an opt-out phrase; not around a keyword, since "could you cancel?" may mean an order. */
const REQUEST_LEAD = /^(?:(?:ok|okay|sorry|but|so|and|kindly|just|seriously|can you|could you|would you|will you)\s+)+/;
const REQUEST_TAIL =
  /(?:\s+(?:again|anymore|any more|ever again|from now on|now|already|right now|immediately|asap|for good))+$/;
/** Mentions of another way to be reached make "don't call me" a preference, not an opt-out. */
const PREFERENCE = /\b(?:instead|rather|prefer|only)\b/;

const keywords = new Set(STOP_KEYWORDS);

/** Whether `text` is (essentially) a request to stop being contacted. */
export function isStopRequest(text: string): boolean {
  const whole = stripPoliteness(normalise(text));
  if (keywords.has(collapseRepeats(whole))) return true;
  if (PREFERENCE.test(whole)) return false;
  return text
    .split(/[.!?;,:\n\r()¡¿]+/)
    .map((clause) => stripFraming(normalise(clause)))
    .some((clause) => OPT_OUT_PHRASES.some((phrase) => phrase.test(clause)));
}

/** Lower case, accents dropped, curly apostrophes straightened, anything else not a letter or digit a space. */
function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .trim();
}

function stripPoliteness(text: string): string {
  return text.replace(POLITE_LEAD, '').replace(POLITE_TAIL, '');
}

/** Politeness and framing, in any order: "ok please stop messaging me now thanks" → "stop messaging me". */
function stripFraming(text: string): string {
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = stripPoliteness(current).replace(REQUEST_LEAD, '').replace(REQUEST_TAIL, '');
  } while (current !== previous);
  return current;
}

/** "stop stop stop" → "stop". */
function collapseRepeats(text: string): string {
  const words = text.split(' ');
  return words.every((word) => word === words[0]) ? (words[0] ?? '') : text;
}
