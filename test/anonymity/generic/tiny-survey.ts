// A small survey for the generic attacker, loaded through the product's own survey loader: one
// factor of three 5-point statements with "vet ikke", a now/desired statement, two single choices,
// an optional 0-10 item and a free-text item. Every item is optional, so respondents skip at will.
import { parseSurveyFiles } from '../../../src/survey/load.js';
import type { Survey } from '../../../src/survey/model.js';

const definition = {
  id: 'liten_angrep',
  version: 1,
  title: 'Liten undersøkelse for angrepstesten',
  scales: {
    enig5: {
      points: [
        { value: 1, label: 'Helt uenig' },
        { value: 2, label: 'Litt uenig' },
        { value: 3, label: 'Verken enig eller uenig' },
        { value: 4, label: 'Litt enig' },
        { value: 5, label: 'Helt enig' },
      ],
      dontKnowLabel: 'Vet ikke',
      favourable: [4, 5],
    },
  },
  factors: [{ id: 'samspill', label: 'Samspill' }],
  sections: [
    {
      id: 'del1',
      title: 'Arbeidsmiljø',
      items: [
        { id: 'p1', type: 'likert', scale: 'enig5', factor: 'samspill', text: 'Jeg får hjelp når jeg trenger det.' },
        { id: 'p2', type: 'likert', scale: 'enig5', factor: 'samspill', text: 'Vi snakker godt sammen.' },
        { id: 'p3', type: 'likert', scale: 'enig5', factor: 'samspill', text: 'Jeg blir hørt.' },
        { id: 'nd', type: 'nowDesired', scale: 'enig5', text: 'Jeg kan påvirke hvordan arbeidet legges opp.' },
        {
          id: 'v1',
          type: 'single',
          text: 'Hvor lenge har du jobbet her?',
          options: [
            { id: 'kort', label: 'Under ett år' },
            { id: 'middels', label: 'Ett til fem år' },
            { id: 'lenge', label: 'Mer enn fem år' },
          ],
        },
        {
          id: 'v2',
          type: 'single',
          text: 'Jobber du turnus?',
          options: [
            { id: 'ja', label: 'Ja' },
            { id: 'nei', label: 'Nei' },
          ],
        },
        { id: 'trivsel', type: 'scale', min: 0, max: 10, minLabel: 'Svært dårlig', maxLabel: 'Svært godt', text: 'Hvor godt trives du?' },
        { id: 'kommentar', type: 'text', text: 'Noe mer du vil si?' },
      ],
    },
  ],
};

/** tinySurvey returns the small survey, resolved by the product's loader. */
export function tinySurvey(): Survey {
  const survey = parseSurveyFiles([{ file: 'liten_angrep.json', text: JSON.stringify(definition) }]).get('liten_angrep');
  if (!survey) throw new Error('the small survey did not load');
  return survey;
}
