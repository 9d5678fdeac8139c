import { bootService } from '@nightshift/service-boot';

import { buildMetricsExporter } from './metrics-exporter';

void bootService('metrics-exporter', buildMetricsExporter);
