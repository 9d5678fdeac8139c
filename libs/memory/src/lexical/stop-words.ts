/** English function words and ticket boilerplate: they match everything, so they rank nothing. */
export const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between ' +
    'both but by can cannot could did do does doing down during each few for from further had has have having ' +
    'he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on ' +
    'once only or other our ours out over own same she should so some such than that the their theirs them then ' +
    'there these they this those through to too under until up very was we were what when where which while who ' +
    'whom why will with would you your yours also get gets got make makes made use used using new one two ' +
    'still again please need needs want wants like should let lets may might must shall ' +
    // ticket and log boilerplate
    'fix fixes fixed issue ticket bug problem error errors fail fails failed failing failure work works working ' +
    'add adds added adding instead something thing things way run runs running ran step steps ' +
    'app apps api web mob inf'
  ).split(' '),
);
