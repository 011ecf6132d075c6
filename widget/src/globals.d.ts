// Names the widget's source uses that the DOM typings do not declare: the placeholders the
// bundle builder (bundle.go) replaces, the page's window.Signpost, and Global Privacy Control.
declare const __SIGNPOST_DATA__: any;
declare const __SIGNPOST_CSS__: string;
declare const __SIGNPOST_API__: string;
/** The widget's words in one language: the "widget.*" keys of words/en.json and words/fr.json
    ("more" is widget.more.0, .1 and .2: no more line, one, {0}). */
interface SignpostWords {
  crisis: string; call: string; text: string; textKw: string; chat: string; em: string;
  more: [string, string, string]; info: string; res: string; fb: string; exit: string;
  kb: string; hist: string;
}
/** The widget's words by language (bundle.go Text). */
declare const __SIGNPOST_TEXT__: { en: SignpostWords; fr: SignpostWords };
interface Window { Signpost: any }
interface Navigator { globalPrivacyControl?: boolean }
