// URL: Presidio's UrlRecognizer (from CommonRegex): "https?://" + host ending in a known TLD +
// optional path at 0.6, the same without a scheme at 0.5, and quoted variants whose span
// includes the quotes. Presidio expresses the TLDs as one regex alternation after a greedy
// `[a-z0-9.\-]{1,253}`, which backtracks over every dot and every TLD alternative — quadratic
// on long dotted runs. We scan each run of host characters once and pick the longest prefix
// that ends in a known TLD, which is the match Presidio's backtracking finds.
import { removeDuplicates } from "../pattern-recognizer";
import type { AnalyzeRequest, Recognizer, RecognizerResult } from "../types";

// The TLDs in Presidio's URL pattern (generic, then country codes).
const TLDS = new Set(
  (
    "com edu gov int mil net onl org pro red tel uno xxx academy accountant accountants actor adult africa agency airforce " +
    "apartments app archi army art asia associates attorney auction audio auto autos baby band bar bargains beer berlin best " +
    "bet bid bike bio black blackfriday blog blue boats bond boo boston bot boutique build builders business buzz cab cafe cam " +
    "camera camp capital car cards care careers cars casa cash casino catering center ceo cfd charity chat cheap christmas " +
    "church city claims cleaning click clinic clothing cloud club codes coffee college community company computer condos " +
    "construction consulting contact contractors cooking cool coupons courses credit creditcard cricket cruises cyou dad " +
    "dance date dating day degree delivery democrat dental dentist desi design dev diamonds diet digital direct directory " +
    "discount doctor dog domains download earth eco education email energy engineer engineering enterprises equipment esq " +
    "estate events exchange expert exposed express fail faith family fans farm fashion feedback film finance financial fish " +
    "fishing fit fitness flights florist flowers football forsale foundation fun fund furniture futbol fyi gallery game games " +
    "garden gay gdn gifts gives giving glass global gmbh gold golf graphics gratis green gripe group guide guitars guru hair " +
    "hamburg haus health healthcare help hiphop hockey holdings holiday homes horse hospital host hosting house how icu info " +
    "ink institute insure international investments irish jewelry jetzt juegos kaufen kids kitchen kiwi krd kyoto land lat " +
    "law lawyer lease legal lgbt life lighting limited limo link live loan loans lol london love ltd ltda luxury maison " +
    "management market marketing markets mba media melbourne meme memorial men miami mobi moda moe mom money monster mortgage " +
    "motorcycles mov movie nagoya name navy network new news ngo ninja now nyc observer okinawa one ong online organic osaka " +
    "page paris partners parts party pet phd photo photography photos pics pictures pink pizza place plumbing plus poker porn " +
    "press productions prof promo properties property protection pub quest racing recipes rehab reise reisen rent rentals " +
    "repair report republican rest restaurant review reviews rip rocks rodeo rsvp run saarland sale salon sarl sbs school " +
    "schule science services sex sexy sh shoes shop shopping show singles site skin soccer social software solar solutions soy " +
    "space spiegel study style sucks supply support surf surgery systems tax taxi team tech technology theater tips tires " +
    "today tools top tours town toys trade training tube uk university vacations ventures vet video villas vin vip vision " +
    "vlaanderen vodka vote voting voyage wales wang watch webcam website wedding wiki wine work works world wtf xyz yoga " +
    "yokohama you zone " +
    "ac ad ae af ag ai al am an ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bv bw by bz ca cc cd " +
    "cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf " +
    "gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn " +
    "kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc " +
    "ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg si sj sk " +
    "sl sm sn so sr st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tp tr tt tv tw tz ua ug us uy uz va vc ve vg vi vn vu " +
    "wf ws ye yt za zm zw"
  ).split(" "),
);

// Runs of host characters, optionally preceded by a scheme: linear, no nested quantifiers.
const RUN = /(https?:\/\/)?([a-z0-9.-]+)/gi;
const HOST_CHAR = /[a-z0-9-]/i;
const PATH = /[^\s()<>"']*/y;

export class UrlRecognizer implements Recognizer {
  readonly name = "UrlRecognizer";
  readonly supportedEntities = ["URL"] as const;
  readonly context = ["url", "website", "link"];

  analyze(req: AnalyzeRequest): RecognizerResult[] {
    if (!req.entities.has("URL")) return [];
    return this.analyzeText(req.text);
  }

  analyzeText(text: string): RecognizerResult[] {
    if (!text.includes(".")) return [];
    const results: RecognizerResult[] = [];
    RUN.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = RUN.exec(text)) !== null) {
      const scheme = m[1] ?? "";
      const runStart = m.index + scheme.length;
      const run = m[2];
      const hostEnd = longestTldPrefix(run);
      if (hostEnd < 0) {
        // A bare "http://" before something that is not a host: let the host run be scanned alone.
        if (scheme) RUN.lastIndex = runStart;
        continue;
      }
      let end = runStart + hostEnd;
      if (text[end] === "/") {
        PATH.lastIndex = end + 1;
        PATH.exec(text);
        end = PATH.lastIndex;
        // Presidio keeps sentence punctuation after a path ("…/ticket/42."); it ends the
        // sentence, not the URL, so a tokenized or redacted URL keeps its full stop.
        while (end > runStart && ".,;:!?".includes(text[end - 1])) end--;
      }
      const push = (start: number, stop: number, score: number) =>
        results.push({ entityType: "URL", start, end: stop, score, recognizer: this.name });
      // Presidio's four patterns all run; its de-duplication then keeps the widest of equal scores.
      if (scheme) push(m.index, end, 0.6);
      push(runStart, end, 0.5);
      const q = m.index - 1;
      if (q >= 0 && (text[q] === '"' || text[q] === "'") && (text[end] === '"' || text[end] === "'")) {
        push(q, end + 1, scheme ? 0.6 : 0.5);
      }
      RUN.lastIndex = Math.max(end, m.index + 1);
    }
    return removeDuplicates(results);
  }
}

/** End (exclusive) of the longest prefix of `run` that is "<something>.<known TLD>", or -1. */
function longestTldPrefix(run: string): number {
  let dot = run.lastIndexOf(".");
  let labelEnd = run.length;
  while (dot > 0) {
    const tld = run.slice(dot + 1, labelEnd).toLowerCase();
    // Presidio: the TLD may not be followed by [a-z0-9-] — the next char is "." or the run ends.
    if (labelEnd - dot > 1 && TLDS.has(tld) && !HOST_CHAR.test(run[labelEnd] ?? "")) return labelEnd;
    labelEnd = dot;
    dot = run.lastIndexOf(".", dot - 1);
  }
  return -1;
}

export function urlRecognizer(): UrlRecognizer {
  return new UrlRecognizer();
}
