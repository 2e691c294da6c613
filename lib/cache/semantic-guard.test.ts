import { describe, expect, it } from "vitest";
import { analysePrompt, guardVeto, type GuardReason } from "./semantic-guard";

// [cached prompt, new prompt, expected reason]
const VETOES: [string, string, GuardReason][] = [
  // numbers
  ["What is 2+2?", "What is 3+3?", "numbers"],
  ["What is 2+2?", "What is 2*2?", "numbers"],
  ["What is two plus two?", "What is two times two?", "numbers"],
  ["Give me 10 ideas for a birthday party", "Give me 11 ideas for a birthday party", "numbers"],
  ["Give me ten ideas for a birthday party", "Give me twelve ideas for a birthday party", "numbers"],
  ["Who was the first president of the USA?", "Who was the second president of the USA?", "numbers"],
  ["Who was the 3rd president of the USA?", "Who was the 4th president of the USA?", "numbers"],
  ["What is 15% of 80?", "What is 20% of 80?", "numbers"],
  ["Convert $100 to euros", "Convert $250 to euros", "numbers"],
  ["What happened on July 4, 1776?", "What happened on July 4, 1976?", "numbers"],
  ["Set an alarm for 7:30", "Set an alarm for 8:30", "numbers"],
  ["Write a haiku with 3 lines", "Write a poem with three hundred lines", "numbers"],
  ["What's new in Python 3.12?", "What's new in Python 3.11?", "numbers"],
  ["Explain the GPT-4 architecture", "Explain the GPT-3 architecture", "numbers"],
  ["How many calories are in a dozen eggs?", "How many calories are in 6 eggs?", "numbers"],
  // units
  ["How long does it take to walk 5 km?", "How long does it take to walk 5 miles?", "units"],
  ["Convert 100 fahrenheit to celsius", "Convert 100 celsius to fahrenheit", "units"],
  ["Is 30 €  a good price for this?", "Is 30 $ a good price for this?", "units"],
  ["How many miles is a marathon?", "How many kilometers is a marathon?", "units"],
  // negation
  ["Is it safe to eat raw eggs?", "Is it not safe to eat raw eggs?", "negation"],
  ["Why does my code compile?", "Why doesn't my code compile?", "negation"],
  ["How do I cook rice with a rice cooker?", "How do I cook rice without a rice cooker?", "negation"],
  ["Which foods contain gluten?", "Which foods contain no gluten?", "negation"],
  ["Can I take this medicine with food?", "Can I never take this medicine with food?", "negation"],
  ["Is it legal to record a phone call?", "Is it illegal to record a phone call?", "negation"],
  ["Is nuclear power safe?", "Is nuclear power unsafe?", "negation"],
  // entities
  ["What is the capital of France?", "What is the capital of Germany?", "entities"],
  ["what is the capital of france", "what is the capital of germany", "entities"],
  ["What are the side effects of ibuprofen?", "What are the side effects of aspirin?", "entities"],
  ["Can I take ibuprofen while pregnant?", "can i take paracetamol while pregnant", "entities"],
  ["Translate 'good morning' into French", "Translate 'good morning' into Spanish", "entities"],
  ["How do I reverse a string in Python?", "How do I reverse a string in JavaScript?", "entities"],
  ["How do I reverse a string in python?", "How do I reverse a string in rust?", "entities"],
  ["Who is the CEO of Microsoft?", "Who is the CEO of Google?", "entities"],
  ["Best restaurants in Paris", "Best restaurants in London", "entities"],
  ["Tell me about Barack Obama's childhood", "Tell me about Donald Trump's childhood", "entities"],
  ["Install Docker on Ubuntu", "Install Docker on Windows", "entities"],
  ["How do I install Python?", "How do I install Python on macOS?", "entities"],
  // literals: code identifiers, quoted strings, URLs, emails, files
  ["What does the function `foo` do?", "What does the function `bar` do?", "literals"],
  ["Why does `useEffect` run twice?", "Why does `useMemo` run twice?", "literals"],
  ['What does "hola" mean?', 'What does "adios" mean?', "literals"],
  ["Summarise https://example.com/a", "Summarise https://example.com/b", "literals"],
  ["Send a reminder to alice@example.com", "Send a reminder to bob@example.com", "literals"],
  ["Why is config.yaml not loaded?", "Why is config.json not loaded?", "literals"],
  // a swapped content noun in an otherwise identical prompt
  ["A man is playing a harp.", "A man is playing a keyboard.", "content"],
  ["How do I sort a list in Python?", "How do I sort a dict in Python?", "content"],
  ["What are the health benefits of green tea?", "What are the health benefits of black tea?", "content"],
  ["How do I grow tomatoes?", "How do I grow cucumbers?", "content"],
];

const PASSES: [string, string][] = [
  ["What is 2+2?", "What is two plus two?"],
  ["What is 2+2?", "what's 2 + 2"],
  ["Give me 10 ideas for a birthday party", "Give me ten ideas for a birthday party"],
  ["I have twenty-one apples", "I have 21 apples"],
  ["Give me a dozen ideas", "Give me 12 ideas"],
  ["What is 15% of 80?", "What is 15 percent of 80?"],
  ["Which one is better, tea or coffee?", "Which is better, tea or coffee?"],
  ["Why doesn't my code compile", "why my code does not compile"],
  ["I can't log in to my account", "I cannot log into my account"],
  ["What is the capital of France?", "what's france's capital city?"],
  ["What is the capital of France?", "Tell me the capital city of France"],
  ["How do I sort a list in python?", "How can I sort a python list?"],
  ["A man is cutting up a cucumber.", "A man is slicing a cucumber."],
  ["Is aspirin safe for kids?", "Is aspirin safe for children?"],
  ["How do I learn ML?", "How do I learn machine learning?"],
  ["What are the side effects of ibuprofen?", "Which side effects does ibuprofen have?"],
  ["How do I center a div in CSS?", "How can I center a div using CSS?"],
  ["Explain recursion like I'm five", "Explain recursion like I am 5"],
  ["Translate 'good morning' into French", "How do you say 'good morning' in French?"],
  ["What does the `map()` function do?", "What does the map function do?"],
  ["Write a Python function that reverses a string", "Write a function in Python to reverse a string"],
  ["What's the best way to learn Spanish?", "How should I learn Spanish most effectively?"],
  ["Why is the sky blue?", "Why does the sky look blue?"],
  ["Summarise the plot of Hamlet", "Give me a summary of Hamlet's plot"],
  ["No, the page does not exist in v2.10.0.", "The page is not available in version 2.10.0."],
  ["It is not only fast but also cheap", "It is fast and cheap"],
  ["What is the boiling point of water in celsius?", "At what temperature in celsius does water boil?"],
];

describe("guardVeto: prompts that need a different answer", () => {
  it.each(VETOES)("vetoes %j vs %j (%s)", (a, b, reason) => {
    const r = guardVeto(a, b);
    expect(r.veto).toBe(true);
    expect(r.reason).toBe(reason);
    expect(guardVeto(b, a).veto).toBe(true); // symmetric
  });
});

describe("guardVeto: paraphrases that may share an answer", () => {
  it.each(PASSES)("lets %j vs %j through", (a, b) => {
    expect(guardVeto(a, b)).toEqual({ veto: false });
    expect(guardVeto(b, a)).toEqual({ veto: false });
  });

  it("passes identical prompts", () => {
    for (const [a] of VETOES) expect(guardVeto(a, a).veto).toBe(false);
  });
});

describe("guardVeto options and features", () => {
  it("can let one-sided entity additions through", () => {
    expect(guardVeto("How do I install Python?", "How do I install Python on macOS?", { vetoEntityAdditions: false }).veto).toBe(false);
    // substitutions are vetoed either way
    expect(guardVeto("Install Docker on Ubuntu", "Install Docker on Windows", { vetoEntityAdditions: false }).veto).toBe(true);
  });

  it("can switch the content-noun rule off", () => {
    expect(guardVeto("How do I grow tomatoes?", "How do I grow cucumbers?", { contentRule: false }).veto).toBe(false);
  });

  it("reads number words, ordinals and scales", () => {
    const values = (p: string) => analysePrompt(p).numbers.filter((n) => !n.weak).map((n) => n.value);
    expect(values("one hundred and five")).toEqual(["105"]);
    expect(values("twenty-first century")).toEqual(["21"]);
    expect(values("2 million users")).toEqual(["2000000"]);
    expect(values("1,250.5 kg")).toEqual(["1250.5"]);
    expect(values("several thousand files")).toEqual([]);
  });

  it("does not trip over words that are Object.prototype members", () => {
    expect(guardVeto("a constructor class", "a constructor class").veto).toBe(false);
    expect(analysePrompt("toString constructor hasOwnProperty").numbers).toEqual([]);
  });

});
